"""The executor contract: where a sweep's runs execute.

An executor receives the runs in dependency order and a `work` function that trains,
evaluates and records one run in this process; it yields each run's record as it finishes.
An executor that runs elsewhere (worker processes, Ray, Slurm) ships `work.task(run)` instead:
a picklable `RunTask` that a fresh process turns into the run's record with `RunTask.run()`,
rebuilding the registry, the spec and the data there, and hands what came back (the record,
or the exception that ended the worker or job) to `work.keep(run, outcome)`, which writes the
record here: a worker that dies leaves a `failed` row with the reason. A run with `init_from`
must wait for the run it starts from (same seed) to finish.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from genbench.api.params import Param

if TYPE_CHECKING:
    from genbench.report.record import RunRecord


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
class RunTask:
    """One run as plain, picklable data: the spec file with its command-line overrides, the
    results folder and the run's key. `jobs` is how many runs share the machine, so the worker
    divides the cores; `config_hash` guards against a spec file edited since it was planned."""

    spec_path: Path
    overrides: dict[str, Any]
    out: Path
    force: bool
    entry: str
    seed: int
    config_hash: str
    jobs: int = 1
    loggers: tuple[str, ...] = ()

    def run(self) -> RunRecord:
        """Train, evaluate and record the run in this process; returns its record."""
        from genbench.sweep.worker import run_task

        return run_task(self)


class Work(Protocol):
    """Does one run here (`work(run)`), or describes it for a worker (`work.task(run)`)."""

    def __call__(self, run: RunInfo) -> RunRecord: ...

    def task(self, run: RunInfo) -> RunTask: ...

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
