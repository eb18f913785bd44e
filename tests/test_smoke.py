"""`genbench run benchmarks/smoke.toml` end to end, as a newcomer would run it."""

from __future__ import annotations

import json

from click.testing import CliRunner

from genbench.cli import cli
from tests.conftest import REPO


def test_smoke_benchmark_runs_end_to_end_and_prints_the_table(tmp_path):
    out = tmp_path / "results"
    result = CliRunner().invoke(
        cli, ["run", str(REPO / "benchmarks" / "smoke.toml"), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    header = next(line for line in result.output.splitlines() if "Model" in line)
    for label in ("FID", "Precision", "Recall", "Train time (s)", "Steps", "Status"):
        assert label in header
    assert "GAN (non-saturating)" in result.output and "GAN (minimax)" in result.output
    assert "2 run(s) trained, 0 evaluated again" in result.output
    records = [json.loads(p.read_text()) for p in out.glob("smoke/runs/*/*/record.json")]
    assert [r["status"] for r in records] == ["ok", "ok"]
    for record in records:
        assert record["train"]["seconds"] >= 10
        assert {"fid", "precision", "recall"} <= set(record["metrics"])
        assert record["features"]["info"]["test_accuracy"] > 0.85
    for name in ("table.md", "results.csv", "runs.csv"):
        assert (out / "smoke" / name).stat().st_size > 0
