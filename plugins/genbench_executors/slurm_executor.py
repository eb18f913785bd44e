"""The `slurm` executor: each run a Slurm job submitted through submitit that does
`RunTask.run()`; `cluster = "local"` runs the jobs as processes on this machine (submitit's
LocalExecutor), which is how the tests and a dry rehearsal use it.

Jobs are polled, not waited on in turn, so records arrive in the order runs finish. A job that
fails (an exception, a time limit, a node lost, `scancel`) is a `failed` row with submitit's
reason, written by the sweep's process. With `tasks = N` (and `gpus = N`) a job trains its run
data-parallel on N tasks, one GPU each (`genbench.sweep.ranks`). A job Slurm pre-empts or
stops at its time limit is requeued instead, and its run resumes from the state it saved last
(`[benchmark] checkpoint_every`). The results folder must be on a filesystem that the compute
nodes share, at the same path.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from genbench.api import RunInfo, RunRecord, UserError, Work
from genbench.api.executor import RunTask, TaskRunner
from genbench.api.schedule import run_scheduled

INSTALL = "the slurm executor needs submitit: pip install 'genbench[slurm]'"


def run_on_slurm(
    runs: Sequence[RunInfo], work: Work, params: dict[str, Any]
) -> Iterator[RunRecord]:
    if not runs:
        return
    try:
        import submitit
    except ImportError:
        raise UserError(INSTALL) from None
    folder = Path(params.get("folder") or runs[0].run_dir.parents[2] / "slurm")
    executor = submitit.AutoExecutor(folder=folder / "%j", cluster=params.get("cluster", "slurm"))
    settings: dict[str, Any] = {
        "timeout_min": int(params.get("time", 60)),
        "cpus_per_task": int(params.get("cpus", 1)),
        "gpus_per_node": int(params.get("gpus", 0)),
        "tasks_per_node": int(params.get("tasks", 1)),
        "name": f"genbench-{runs[0].benchmark}",
    }
    if params.get("mem_gb"):
        settings["mem_gb"] = int(params["mem_gb"])
    if params.get("partition"):
        settings["slurm_partition"] = params["partition"]
    executor.update_parameters(**settings)
    backend = SlurmBackend(executor, int(settings["cpus_per_task"]), params)
    yield from run_scheduled(runs, work, backend)


class SlurmBackend:
    """submitit jobs as `genbench.api.schedule.Backend` handles; Slurm's queue decides how
    many run at once."""

    slots = None

    def __init__(self, executor: Any, cpus: int, params: dict[str, Any]) -> None:
        self.executor = executor
        self.cpus = cpus
        self.poll = float(params.get("poll_seconds", 2.0))

    def submit(self, run_task: TaskRunner, task: RunTask) -> Any:
        from .slurm_requeue import RequeuedRun

        return self.executor.submit(RequeuedRun(), run_task, task, self.cpus)

    def wait(self, handles: list[Any]) -> list[Any]:
        while True:
            done = [job for job in handles if job.done()]
            if done:
                return done
            time.sleep(self.poll)

    def result(self, handle: Any) -> RunRecord:
        record: RunRecord = handle.results()[0]  # a job of several tasks: the first rank's
        return record

    def cancel(self, handles: list[Any]) -> None:
        for job in handles:
            job.cancel(check=False)


def run_slurm_task(run_task: TaskRunner, task: RunTask, cpus: int) -> RunRecord:
    """In the job: the run, its torch threads the CPUs the job was given. A job of several
    tasks trains its run on all of them: each task is a rank of torch.distributed, its
    environment exported from Slurm's (every task sees all the node's GPUs and takes its own:
    `LOCAL_RANK`)."""
    import submitit
    import torch

    if submitit.JobEnvironment().num_tasks > 1:
        submitit.helpers.TorchDistributedEnvironment().export(
            set_cuda_visible_devices=False, overwrite=True
        )
    try:
        available = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        available = os.cpu_count() or 1
    torch.set_num_threads(max(1, cpus))
    return run_task(replace(task, jobs=max(1, math.floor(available / max(1, cpus)))))
