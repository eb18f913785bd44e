"""What the tests of every executor share (local worker processes, Ray, Slurm): a tiny 2-D
sweep whose second entry starts from the first, and the comparison of its records with those
of one run after another in this process."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from genbench.cli import cli
from tests.tiny_specs import entry, tiny_spec

SPEC = tiny_spec(
    entry("PR", "pr-optimizer", init_from="GAN", critic_warmup=2),
    entry("GAN", "gan"),
    benchmark={"name": "jobs", "budget": "15 steps", "seeds": [0, 1]},
)
TIMINGS = {"seconds", "cpu_seconds", "cpu_share", "contended", "steps_per_second", "jobs"}
TIMINGS |= {"samples_per_second", "threads"}


def run_cli(spec: Path, out: Path, *options: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["run", str(spec), "--out", str(out), *options])
    return result.exit_code, result.output


def records_of(out: Path) -> dict[tuple[str, int], dict]:
    found = {}
    for path in out.glob("*/runs/*/*/record.json"):
        record = json.loads(path.read_text())
        found[(record["entry"], record["seed"])] = record
    return found


def without_timings(record: dict) -> dict:
    kept = {k: v for k, v in record.items() if k not in ("started_at", "finished_at")}
    kept.pop("eval_seconds", None)
    kept["train"] = {k: v for k, v in record["train"].items() if k not in TIMINGS}
    kept["machine"] = {k: v for k, v in record["machine"].items() if k != "torch_threads"}
    # The second sweep finds the real features the first one cached.
    reference = {**record["features"]["reference"], "cached": None}
    kept["features"] = {**record["features"], "reference": reference}
    return kept


def same_rows(one: dict[tuple[str, int], dict], other: dict[tuple[str, int], dict]) -> None:
    """The two sweeps' records agree in everything but timings and the cores shared."""
    assert set(one) == set(other)
    for key, record in one.items():
        assert record["status"] == "ok", record.get("error")
        assert without_timings(other[key]) == without_timings(record), key
