"""`[evaluation] every`: metrics at fixed points of the training clock, kept in the record,
charged to no budget and changing no training; the report plots them per entry."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from genbench.cli import cli
from genbench.errors import UserError
from genbench.spec.load import load_spec
from tests.tiny_specs import entry, tiny_spec

EVERY = {"every": "20 steps", "every_samples": 200}


def timeline_spec(timeline: dict) -> str:
    """GAN on ring-8 for 60 steps and two seeds, scored on the training clock as `timeline`
    says (`every`, `every_samples`; none: not at all)."""
    return tiny_spec(
        entry("GAN", "gan"),
        benchmark={"name": "timeline", "budget": "60 steps", "seeds": [0, 1]},
        evaluation={"samples": 300, **timeline},
    )


def sweep(write_spec, out, timeline: dict) -> dict[tuple[str, int], dict]:
    spec = write_spec(timeline_spec(timeline), f"{out.name}.toml")
    result = CliRunner().invoke(cli, ["run", str(spec), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return {
        (r["entry"], r["seed"]): r
        for r in (json.loads(p.read_text()) for p in out.glob("*/runs/*/*/record.json"))
    }


def test_points_on_the_training_clock_are_recorded_and_plotted(write_spec, tmp_path):
    records = sweep(write_spec, tmp_path / "with", EVERY)
    for record in records.values():
        timeline = record["timeline"]
        assert timeline["every"] == "20 steps" and timeline["samples"] == 200
        # A point falls on the first 25-step log window at or past it; the last at the end.
        assert timeline["steps"] == [25, 50, 60]
        assert timeline["seconds"] == sorted(timeline["seconds"])
        assert timeline["seconds"][-1] <= record["train"]["seconds"] + 1e-9
        assert set(timeline["values"]) == set(record["metrics"])
        assert all(len(v) == 3 for v in timeline["values"].values())
    results = tmp_path / "with" / "timeline"
    assert (results / "timeline-modes.png").exists()
    assert "![timeline-modes](timeline-modes.png)" in (results / "report.md").read_text()


def test_the_timeline_changes_neither_training_nor_the_final_scores(write_spec, tmp_path):
    timed = sweep(write_spec, tmp_path / "with", EVERY)
    plain = sweep(write_spec, tmp_path / "without", {})
    for key, record in plain.items():
        assert record.get("timeline") is None
        assert timed[key]["train"]["final_losses"] == record["train"]["final_losses"]
        assert timed[key]["train"]["steps"] == record["train"]["steps"]
        assert timed[key]["metrics"] == record["metrics"]
        assert timed[key]["config_hash"] != record["config_hash"]  # the timeline is trained


def test_points_on_a_flop_clock_fall_where_the_training_flops_pass_each_multiple(
    write_spec, tmp_path
):
    by_steps = sweep(write_spec, tmp_path / "steps", {"every": "20 steps"})
    record = next(iter(by_steps.values()))
    per_step = record["train"]["flops"] / record["train"]["steps"]  # one step shape: constant
    every = f"{20 * per_step / 1e9:.6f} GFLOP"
    by_flops = sweep(write_spec, tmp_path / "flops", {"every": every})
    for key, timed in by_steps.items():
        assert by_flops[key]["timeline"]["steps"] == timed["timeline"]["steps"]


def test_every_refuses_what_is_no_clock(registry, write_spec):
    spec = write_spec(timeline_spec({"every": "often"}))
    with pytest.raises(UserError, match=r"evaluation\.every"):
        load_spec(spec, registry)
