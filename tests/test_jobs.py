"""`--jobs N`: runs in worker processes give the records that one-at-a-time runs give."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest
import torch
from click.testing import CliRunner

from genbench import registry as registry_module
from genbench.api.executor import RunInfo, RunTask
from genbench.cli import cli
from genbench.default_plugins.local import _ready
from genbench.errors import UserError
from genbench.sweep import worker

SPEC = """
[benchmark]
name = "jobs"
dataset = "ring-8"
budget = "15 steps"
seeds = [0, 1]
device = "cpu"

[dataset]
samples = 1000

[evaluation]
samples = 200
metrics = ["mode-coverage"]

[[entry]]
name = "PR"
model = "pr-optimizer"
init_from = "GAN"
critic_warmup = 2

[[entry]]
name = "GAN"
model = "gan"
"""
TIMINGS = {"seconds", "cpu_seconds", "cpu_share", "contended", "steps_per_second", "jobs"}
TIMINGS |= {"samples_per_second", "threads"}


def run_sweep(spec: Path, out: Path, jobs: int) -> dict[tuple[str, int], dict]:
    args = ["run", str(spec), "--out", str(out), "--jobs", str(jobs)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    found = {}
    for path in out.glob("jobs/runs/*/*/record.json"):
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


def test_two_jobs_give_the_records_of_one_job_and_keep_init_from_order(write_spec, tmp_path):
    spec = write_spec(SPEC)
    serial = run_sweep(spec, tmp_path / "serial", 1)
    parallel = run_sweep(spec, tmp_path / "parallel", 2)
    assert set(serial) == set(parallel) == {("GAN", 0), ("GAN", 1), ("PR", 0), ("PR", 1)}
    for key, record in serial.items():
        assert record["status"] == "ok", record.get("error")
        assert parallel[key]["train"]["jobs"] == 2 and record["train"]["jobs"] == 1
        assert without_timings(parallel[key]) == without_timings(record)
    for seed in (0, 1):
        started = parallel[("PR", seed)]["started_at"]
        assert parallel[("GAN", seed)]["finished_at"] <= started


def test_a_run_task_is_plain_data_that_survives_pickling(tmp_path):
    task = RunTask(tmp_path / "spec.toml", {"budget": "5 steps"}, tmp_path, False, "GAN", 0, "h", 2)
    assert pickle.loads(pickle.dumps(task)) == task


def test_a_run_waits_only_for_the_run_it_starts_from_in_this_sweep(tmp_path):
    child = RunInfo("b", "PR", 0, tmp_path, {}, "c", "t", init_from="GAN")
    keys = {("GAN", 0), ("PR", 0)}
    assert not _ready(child, busy={("GAN", 0), ("PR", 0)}, keys=keys)
    assert _ready(child, busy={("PR", 0)}, keys=keys)
    assert _ready(child, busy={("PR", 0)}, keys={("PR", 0)})


def test_auto_jobs_fill_the_cores_for_point_sets_only_and_the_api_default_is_one(
    registry, write_spec, tmp_path, monkeypatch
):
    from genbench.sweep.runner import Sweep

    from genbench.spec.load import load_spec
    from genbench.sweep import runner

    monkeypatch.setattr(runner, "available_cpus", lambda: 4.0)
    spec = load_spec(write_spec(SPEC), registry)
    todo = [None] * 3

    class Prepared:
        def __init__(self, shape, device="cpu"):
            self.data = type("Data", (), {"sample_shape": shape})()
            self.device = torch.device(device)

    auto = Sweep(spec, registry, tmp_path, jobs="auto")
    assert auto.resolve_jobs(todo, Prepared((2,))) == 3
    assert auto.resolve_jobs(todo * 2, Prepared((2,))) == 4
    assert auto.resolve_jobs(todo, Prepared((1, 28, 28))) == 1
    assert Sweep(spec, registry, tmp_path).resolve_jobs(todo, Prepared((2,))) == 1
    assert Sweep(spec, registry, tmp_path, jobs=2).resolve_jobs(todo, Prepared((2,))) == 2


def test_a_task_for_a_spec_edited_since_it_was_planned_is_refused(write_spec, tmp_path):
    spec = write_spec(SPEC)
    task = RunTask(spec, {}, tmp_path / "out", False, "GAN", 0, "stale-hash", 1)
    try:
        with pytest.raises(UserError, match="changed since the sweep was planned"):
            task.run()
    finally:  # what a worker process keeps for its next task
        worker._SWEEPS.clear()
        registry_module.activate(None)
    assert not (tmp_path / "out").exists()
