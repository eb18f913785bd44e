"""Executing a sweep: its runs through the executor, the hooks fired, the records kept.

Nothing here prints. What happens reaches observers through the hooks (`genbench_sweep_*`,
`genbench_run_*`), on which the terminal reporter is one plugin among others; the caller (the
command line, `genbench.run`) publishes the table from the records this returns. Runs whose
record already answers their configuration are reused, runs whose evaluation settings alone
changed are evaluated again from their checkpoints (`force` retrains); data, the feature
extractor and the real reference features are prepared once, and only when something must
train. A run that diverges or fails, here or in a worker that died, becomes a row; the sweep
goes on. The results folder is locked while the sweep writes to it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from genbench.api.executor import Executor, RunInfo, RunTask, SweepInfo, TaskRunner
from genbench.api.layout import SPEC_FILE, RunFiles, runs_folder
from genbench.api.record import RunRecord
from genbench.api.storage import write_atomic
from genbench.registry import Registry
from genbench.spec.benchmark import BenchmarkSpec
from genbench.sweep.jobs import JobsRequest
from genbench.sweep.lock import results_lock
from genbench.sweep.one_run import OneRun
from genbench.sweep.options import SweepOptions, Tally
from genbench.sweep.plan import damaged_records, pending, plan_runs
from genbench.sweep.preparation import prepare
from genbench.sweep.records import find_records, write_record
from genbench.sweep.worker import run_task


@dataclass(frozen=True)
class SweepOutcome:
    """The records of the planned runs in the results folder, and how they came to be."""

    results_dir: Path
    records: list[RunRecord]
    trained: int
    reevaluated: int
    reused: int

    @property
    def failed(self) -> list[Path]:
        """The record files of the runs that failed."""
        return [
            RunFiles(runs_folder(self.results_dir) / record.run_dir).record
            for record in self.records
            if record.status == "failed"
        ]


def execute_sweep(
    spec: BenchmarkSpec,
    registry: Registry,
    out: Path,
    options: SweepOptions | None = None,
    tally: Tally | None = None,
) -> SweepOutcome:
    """Train and evaluate every run of `spec` that no record answers; returns the records."""
    options = options or SweepOptions()
    tally = tally if tally is not None else Tally()
    hook = registry.hook
    runs = plan_runs(spec, out, options.loggers)
    results_dir = out / spec.name
    executor = registry.get("executor", spec.executor)
    jobs = JobsRequest.of(spec, executor, options.jobs)
    todo = pending(runs, options.force)
    prepared = prepare(spec, registry) if todo else None
    for message in damaged_records(results_dir):
        hook.genbench_sweep_warning(message=f"{message}; that run is trained again")
    reevaluated = 0
    with results_lock(results_dir) as takeover:
        if takeover:
            hook.genbench_sweep_warning(message=takeover)
        if todo:
            todo = pending(runs, options.force)  # another sweep may have finished some meanwhile
        if todo and prepared is not None:
            write_atomic(results_dir / SPEC_FILE, spec.path.read_bytes())
            at_once = jobs.resolve(len(todo), prepared.data.sample_shape, prepared.device)
            one_run = OneRun(
                spec, registry, runs, results_dir, prepared, jobs=at_once, force=options.force,
                warn=lambda message: hook.genbench_sweep_warning(message=message),
            )  # fmt: skip
            work = SweepWork(one_run, hook, out, options, tally)
            info = SweepInfo(
                spec.name, len(runs), len(runs) - len(todo), at_once, spec.budget.seconds
            )
            reevaluated = _through_executor(executor, jobs.params(at_once), todo, work, info, hook)
        records = [r for r in find_records(results_dir).records if _planned(r, runs)]
    return SweepOutcome(
        results_dir, records, len(todo) - reevaluated, reevaluated, len(runs) - len(todo)
    )


def _through_executor(
    executor: Executor,
    params: dict[str, Any],
    todo: list[RunInfo],
    work: SweepWork,
    info: SweepInfo,
    hook: Any,
) -> int:
    """Hand `todo` to the executor; returns how many runs were evaluated again rather than
    trained."""
    reevaluated = 0
    hook.genbench_sweep_started(sweep=info)
    try:
        for record in executor.run(todo, work, params):
            reevaluated += record.training_reused
    finally:
        hook.genbench_sweep_finished(sweep=info)
    return reevaluated


def _planned(record: RunRecord, runs: list[RunInfo]) -> bool:
    return any(r.entry == record.entry and r.config_hash == record.config_hash for r in runs)


class SweepWork:
    """The sweep's `Work`: a run here, or a run described for a worker and its record kept
    here; every kept record is counted in the tally and announced (`genbench_run_kept`)."""

    def __init__(
        self, one_run: OneRun, hook: Any, out: Path, options: SweepOptions, tally: Tally
    ) -> None:
        self.one_run = one_run
        self.hook = hook
        self.out = out
        self.options = options
        self.tally = tally

    @property
    def run_task(self) -> TaskRunner:
        return run_task

    def __call__(self, run: RunInfo) -> RunRecord:
        self.tally.in_flight[(run.entry, run.seed)] = run
        record = self.one_run.observed(run, self.hook)
        return self._kept(run, record)

    def task(self, run: RunInfo) -> RunTask:
        self.tally.in_flight[(run.entry, run.seed)] = run
        return RunTask(
            spec_path=self.one_run.spec.path.resolve(),
            overrides=asdict(self.options.overrides),
            out=self.out.resolve(),
            force=self.options.force,
            entry=run.entry,
            seed=run.seed,
            config_hash=run.config_hash,
            jobs=self.one_run.jobs,
            loggers=run.loggers,
        )

    def keep(self, run: RunInfo, outcome: RunRecord | BaseException) -> RunRecord:
        """Write `outcome` (the worker's record, or the exception that ended the worker) as
        the run's record: the same bytes if the worker wrote them already, and a `failed` row
        when it could not."""
        record = outcome if isinstance(outcome, RunRecord) else self.one_run.failed(run, outcome)
        write_record(run.run_dir, record)
        return self._kept(run, record)

    def _kept(self, run: RunInfo, record: RunRecord) -> RunRecord:
        self.tally.in_flight.pop((run.entry, run.seed), None)
        self.tally.kept.append(run)
        self.hook.genbench_run_kept(run=run, record=record)
        return record
