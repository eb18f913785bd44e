"""`--jobs N`: runs in worker processes give the records that one-at-a-time runs give."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
import torch

from genbench.api.executor import RunInfo, RunTask
from genbench.api.schedule import parent_done
from genbench.errors import UserError
from genbench.registry import activate
from genbench.spec.load import load_spec
from genbench.sweep import jobs as jobs_module
from genbench.sweep.jobs import JobsRequest
from genbench.sweep.worker import run_task
from tests.executor_sweeps import SPEC, records_of, run_cli, without_timings


def run_sweep(spec: Path, out: Path, jobs: int) -> dict[tuple[str, int], dict]:
    code, output = run_cli(spec, out, "--jobs", str(jobs))
    assert code == 0, output
    return records_of(out)


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
    assert not any(callable(getattr(task, name)) for name in vars(task))


def test_a_run_waits_only_for_the_run_it_starts_from_in_this_sweep(tmp_path):
    child = RunInfo("b", "PR", 0, tmp_path, {}, "c", "t", init_from="GAN")
    keys = {("GAN", 0), ("PR", 0)}
    assert not parent_done(child, busy={("GAN", 0), ("PR", 0)}, keys=keys)
    assert parent_done(child, busy={("PR", 0)}, keys=keys)
    assert parent_done(child, busy={("PR", 0)}, keys={("PR", 0)})


def test_auto_jobs_fill_the_cores_for_point_sets_only_and_the_api_default_is_one(
    registry, write_spec, monkeypatch
):
    monkeypatch.setattr(jobs_module, "available_cpus", lambda: 4.0)
    spec = load_spec(write_spec(SPEC), registry)
    local = registry.get("executor", "local")
    cpu = torch.device("cpu")

    auto = JobsRequest.of(spec, local, "auto")
    assert auto.resolve(3, (2,), cpu) == 3
    assert auto.resolve(6, (2,), cpu) == 4
    assert auto.resolve(3, (1, 28, 28), cpu) == 1
    assert JobsRequest.of(spec, local, None).resolve(3, (2,), cpu) == 1
    assert JobsRequest.of(spec, local, 2).resolve(3, (2,), cpu) == 2


def test_jobs_for_an_executor_that_takes_none_are_refused_before_anything_loads(
    registry, write_spec
):
    spec = load_spec(write_spec(SPEC), registry)
    no_jobs = registry.get("executor", "slurm")
    with pytest.raises(UserError, match="--jobs: executor 'slurm' takes no jobs"):
        JobsRequest.of(spec, no_jobs, 2)
    assert JobsRequest.of(spec, no_jobs, "auto").params(1) == spec.executor_params


def test_a_task_for_a_spec_edited_since_it_was_planned_is_refused(write_spec, tmp_path):
    spec = write_spec(SPEC)
    task = RunTask(spec, {}, tmp_path / "out", False, "GAN", 0, "stale-hash", 1)
    try:
        with pytest.raises(UserError, match="changed since the sweep was planned"):
            run_task(task)
    finally:  # a worker process keeps its registry active; this process does not
        activate(None)
    assert not (tmp_path / "out").exists()
