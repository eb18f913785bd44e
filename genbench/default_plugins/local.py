"""The `local` executor: one run after another in this process, or `jobs` at once in worker
processes (`genbench.default_plugins.worker_processes`), scheduled as Ray and Slurm runs are
(`genbench.api.schedule`): a run waits for the run it starts from (`init_from`, same seed), and
a worker that dies is a `failed` row while the sweep goes on. With `jobs = 1` the runs stay in
this process.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from genbench.api.executor import Executor, RunInfo, Work
from genbench.api.hookspecs import hookimpl
from genbench.api.params import Param
from genbench.api.record import RunRecord
from genbench.api.schedule import run_scheduled

PARAMS = (
    Param(
        "jobs",
        None,
        "runs at once in worker processes; auto: one per core for 2-D point sets on a CPU, else 1",
        type=int,
        minimum=1,
    ),
)


def run_locally(runs: Sequence[RunInfo], work: Work, params: dict[str, Any]) -> Iterator[RunRecord]:
    jobs = params.get("jobs") or 1
    if jobs <= 1 or len(runs) <= 1:
        for run in runs:
            yield work(run)
        return
    from genbench.default_plugins.worker_processes import WorkerProcesses

    with WorkerProcesses(min(jobs, len(runs))) as workers:
        yield from run_scheduled(runs, work, workers)


@hookimpl
def genbench_register_executors(register: Callable[[Executor], None]) -> None:
    register(
        Executor(
            "local",
            "Runs in this process, one after another, or `jobs` at once in worker processes "
            "(default).",
            run_locally,
            PARAMS,
        )
    )
