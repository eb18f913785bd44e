"""Helpers for the tests of executors that run elsewhere (Ray, Slurm): a tiny 2-D sweep and
the comparison of its records with those of the local executor."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from genbench.cli import cli
from tests.test_jobs import SPEC, without_timings

__all__ = ["SPEC", "records_of", "run_cli", "same_rows", "without_timings"]


def run_cli(spec: Path, out: Path, *options: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["run", str(spec), "--out", str(out), *options])
    return result.exit_code, result.output


def records_of(out: Path) -> dict[tuple[str, int], dict]:
    found = {}
    for path in out.glob("*/runs/*/*/record.json"):
        record = json.loads(path.read_text())
        found[(record["entry"], record["seed"])] = record
    return found


def same_rows(one: dict[tuple[str, int], dict], other: dict[tuple[str, int], dict]) -> None:
    """The two sweeps' records agree in everything but timings and the cores shared."""
    assert set(one) == set(other)
    for key, record in one.items():
        assert record["status"] == "ok", record.get("error")
        assert without_timings(other[key]) == without_timings(record), key
