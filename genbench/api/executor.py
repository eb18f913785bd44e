"""The executor contract: where a sweep's runs execute.

An executor receives the runs in dependency order and a `work` function that trains,
evaluates and records one run in this process; it yields each run's record as it finishes.
An executor that runs elsewhere (worker processes, Ray, Slurm) ships `work.task(run)` instead,
a `RunTask` of plain data, together with `work.run_task`, the picklable function that turns
a task into the run's record in a fresh process (rebuilding the registry, the spec and the
data there). What came back, the record or the exception that ended the worker or job, goes
to `work.keep(run, outcome)`, which writes the record here: a worker that dies leaves a
`failed` row with the reason. A run with `init_from` must wait for the run it starts from
(same seed) to finish; `genbench.api.schedule` does that ordering for any executor.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from genbench.api.params import Param
from genbench.api.record import RunRecord


@dataclass(frozen=True)
class RunInfo:
    """One run of a sweep: an entry trained with one seed. `loggers` are the names given to
    `genbench run --log`: logger plugins act on the runs that name them (the field travels with
    the run to any executor; it is not part of the configuration or its hash)."""

    benchmark: str
    entry: str
    seed: int
    run_dir: Path
    config: dict[str, Any] = field(repr=False)
    config_hash: str
    training_hash: str
    loggers: tuple[str, ...] = ()
    init_from: str | None = None


@dataclass(frozen=True)
class SweepInfo:
    """A sweep as its observers see it: `runs` in all, `reused` of them answered by earlier
    records, `jobs` trained at once; `budget_seconds` per run when the budget is a time."""

    benchmark: str
    runs: int
    reused: int
    jobs: int
    budget_seconds: float | None = None


@dataclass(frozen=True)
class RunTask:
    """One run as plain, picklable data: the spec file with its command-line overrides, the
    results folder and the run's key. `jobs` is how many runs share the machine, so the worker
    divides the cores; `config_hash` guards against a spec file edited since it was planned.
    `Work.run_task` turns it into the run's record."""

    spec_path: Path
    overrides: dict[str, Any]
    out: Path
    force: bool
    entry: str
    seed: int
    config_hash: str
    jobs: int = 1
    loggers: tuple[str, ...] = ()


TaskRunner = Callable[[RunTask], RunRecord]


class Work(Protocol):
    """Does one run here (`work(run)`), or describes it for a worker (`work.task(run)`, done
    there by `work.run_task(task)`)."""

    def __call__(self, run: RunInfo) -> RunRecord: ...

    def task(self, run: RunInfo) -> RunTask: ...

    @property
    def run_task(self) -> TaskRunner:
        """A module-level function, so it pickles by reference: in a fresh process (a worker,
        a Ray task, a Slurm job) it trains, evaluates and records the task's run and returns
        the record."""
        ...

    def keep(self, run: RunInfo, outcome: RunRecord | BaseException) -> RunRecord:
        """Write, from this process, the record of a run done elsewhere: the record its worker
        returned, or, when the worker or job failed, a `failed` record saying why."""
        ...


@dataclass(frozen=True)
class Executor:
    """A registered executor: `run(runs, work, params)` yields one record per run. An executor
    that declares a `jobs` parameter is given the sweep's `--jobs` (resolved to a number)."""

    name: str
    description: str
    run: Callable[[Sequence[RunInfo], Work, dict[str, Any]], Iterator[RunRecord]]
    params: tuple[Param, ...] = ()
