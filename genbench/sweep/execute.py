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
from genbench.sweep.plan import Plan, make_plan
from genbench.sweep.preparation import Prepared, prepare
from genbench.sweep.records import write_record
from genbench.sweep.run_models import RunModels
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
    """Train and evaluate every run of `spec` that no record answers; returns the records of
    all its runs, reused and new."""
    options = options or SweepOptions()
    hook = registry.hook
    executor = registry.get("executor", spec.executor)
    jobs = JobsRequest.of(spec, executor, options.jobs)
    plan = make_plan(spec, out, options.force, options.loggers)
    prepared = prepare(spec, registry) if plan.todo else None
    if prepared is not None:
        RunModels(spec, registry, plan.todo, prepared.data, prepared.device).check_builds()
    for message in plan.damaged:
        hook.genbench_sweep_warning(message=f"{message}; that run is trained again")
    results_dir = out / spec.name
    with results_lock(results_dir) as takeover:
        if takeover:
            hook.genbench_sweep_warning(message=takeover)
        new: list[RunRecord] = []
        if plan.todo and prepared is not None:
            write_atomic(results_dir / SPEC_FILE, spec.path.read_bytes())
            work = _work(spec, registry, plan, prepared, jobs, out, options, tally)
            at_once = work.one_run.jobs
            info = SweepInfo(
                spec.name, len(plan.runs), len(plan.reused), at_once, spec.budget.seconds
            )
            new = _through_executor(executor, jobs.params(at_once), plan.todo, work, info, hook)
    reevaluated = sum(record.training_reused for record in new)
    return SweepOutcome(
        results_dir, [*plan.reused, *new], len(new) - reevaluated, reevaluated, len(plan.reused)
    )


def _work(
    spec: BenchmarkSpec,
    registry: Registry,
    plan: Plan,
    prepared: Prepared,
    jobs: JobsRequest,
    out: Path,
    options: SweepOptions,
    tally: Tally | None,
) -> SweepWork:
    """The sweep's `Work` for the runs `plan` has to do, with as many at once as fit."""
    at_once = jobs.resolve(len(plan.todo), prepared.data.sample_shape, prepared.device)
    results_dir = out / spec.name
    one_run = OneRun(
        spec,
        registry,
        plan.runs,
        results_dir,
        prepared,
        jobs=at_once,
        force=options.force,
        parallel=options.parallel,
    )
    return SweepWork(one_run, registry.hook, out, options, tally if tally is not None else Tally())


def _through_executor(
    executor: Executor,
    params: dict[str, Any],
    todo: list[RunInfo],
    work: SweepWork,
    info: SweepInfo,
    hook: Any,
) -> list[RunRecord]:
    """Hand `todo` to the executor; returns the records it yields."""
    hook.genbench_sweep_started(sweep=info)
    try:
        return list(executor.run(todo, work, params))
    finally:
        hook.genbench_sweep_finished(sweep=info)


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
