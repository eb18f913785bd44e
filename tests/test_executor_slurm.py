"""`--executor slurm` through submitit, on its local cluster (jobs as processes here): the
local executor's rows, the `init_from` order, and a job that fails is a `failed` row."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.executor_sweeps import SPEC, records_of, run_cli, same_rows

pytest.importorskip("submitit", reason="the slurm executor's tests need `pip install submitit`")

LOCAL_CLUSTER = '\n[executor]\ncluster = "local"\npoll_seconds = 0.2\n'


def test_slurm_jobs_give_the_rows_of_the_local_executor_and_keep_init_from_order(
    write_spec, tmp_path
):
    code, output = run_cli(write_spec(SPEC, "local.toml"), tmp_path / "local")
    assert code == 0, output
    spec = write_spec(SPEC + LOCAL_CLUSTER)
    code, output = run_cli(spec, tmp_path / "slurm", "--executor", "slurm")
    assert code == 0, output
    on_slurm = records_of(tmp_path / "slurm")
    same_rows(records_of(tmp_path / "local"), on_slurm)
    for seed in (0, 1):
        assert on_slurm[("GAN", seed)]["finished_at"] <= on_slurm[("PR", seed)]["started_at"]
    assert list((tmp_path / "slurm" / "jobs" / "slurm").iterdir())  # submitit's job folders


def test_a_failed_job_is_a_failed_row_with_the_reason(write_spec, tmp_path, monkeypatch):
    from genbench_executors import slurm_executor

    spec = write_spec(SPEC + LOCAL_CLUSTER)
    original = slurm_executor.SlurmBackend.submit

    def submit_with_stale_hash(self, run_task, task):  # the job refuses it: the spec changed
        return original(self, run_task, replace(task, config_hash="stale"))

    monkeypatch.setattr(slurm_executor.SlurmBackend, "submit", submit_with_stale_hash)
    code, output = run_cli(spec, tmp_path / "out", "--executor", "slurm", "--seeds", "0")
    assert code == 1, output
    records = records_of(tmp_path / "out")
    assert {record["status"] for record in records.values()} == {"failed"}
    gan = records[("GAN", 0)]
    assert "changed since the sweep was planned" in gan["error"]["traceback"]
    assert gan["dataset"]["name"] == "ring-8" and gan["config_hash"]


def test_a_job_of_two_tasks_trains_its_run_on_both_as_ranks(write_spec, tmp_path):
    """`tasks = 2`: each run a job of 2 tasks on submitit's local cluster, gloo ranks on the
    CPU; the record is the first task's and says 2 ranks trained it, in one process's FLOPs."""
    spec = write_spec(SPEC + LOCAL_CLUSTER + "tasks = 2\n")
    args = ("--executor", "slurm", "--seeds", "0")
    code, output = run_cli(spec, tmp_path / "ranked", *args)
    assert code == 0, output
    code, output = run_cli(write_spec(SPEC, "local.toml"), tmp_path / "local", "--seeds", "0")
    assert code == 0, output
    ranked, local = records_of(tmp_path / "ranked"), records_of(tmp_path / "local")
    for key, record in ranked.items():
        assert record["status"] == "ok" and record["train"]["ranks"] == 2, key
        assert record["train"]["flops"] == pytest.approx(local[key]["train"]["flops"], rel=1e-9)
