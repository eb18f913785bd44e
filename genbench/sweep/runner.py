"""The sweep runner: entries x seeds, each trained on the same budget, evaluated, recorded.

Runs whose record already answers their configuration are skipped, and runs whose evaluation
settings alone changed are evaluated again from their checkpoints (`force` retrains). Data,
the feature extractor and the real reference features are prepared once per sweep
(`preparation`), and only when something must train; each run is done by `single_run`, here
or in a worker process (`RunTask`). A run that diverges or fails becomes a row; the sweep goes
on. The results folder is locked while a sweep writes to it.
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from genbench.api.executor import RunInfo, RunTask
from genbench.api.layout import SPEC_FILE, RunFiles, entry_folders, run_folder, runs_folder
from genbench.api.storage import write_atomic
from genbench.errors import UserError
from genbench.registry import Registry
from genbench.report.publish import publish
from genbench.report.record import (
    RunRecord,
)
from genbench.report.tables import Summary
from genbench.sweep.engine import LogCallback, TrainProgress
from genbench.sweep.lock import results_lock
from genbench.sweep.plan import Plan, duration, make_plan
from genbench.sweep.preparation import Prepared, prepare
from genbench.sweep.records import (
    find_records,
    read_record_or_none,
    reusable,
)
from genbench.sweep.single_run import SingleRun
from genbench.sweep.spec import BenchmarkSpec, Overrides, config_hash, training_hash
from genbench.sweep.threads import available_cpus

# Samples of at most this many values (2-D points) train networks that take one thread.
SMALL_SAMPLE = 16


@dataclass
class SweepResult:
    results_dir: Path
    trained: int
    reevaluated: int
    skipped: int
    summary: Summary
    files: dict[str, Path]
    failed: list[Path]


def plan_runs(spec: BenchmarkSpec, out: Path, loggers: tuple[str, ...] = ()) -> list[RunInfo]:
    """Every (entry, seed) run of the spec, in spec order except that an entry's runs come
    after those of the entry it starts from (`init_from`); `loggers` as `--log` named them."""
    folders = entry_folders([entry.name for entry in spec.entries])
    runs = []
    for entry in spec.training_order():
        for seed in entry.seeds_or(spec.seeds):
            config = spec.run_config(entry, seed)
            run_dir = run_folder(out / spec.name, folders[entry.name], seed)
            hashes = config_hash(config), training_hash(config)
            runs.append(
                RunInfo(
                    spec.name, entry.name, seed, run_dir, config, *hashes, loggers, entry.init_from
                )
            )
    return runs


class Sweep:
    """One invocation of `genbench run`: plan, prepare, execute, tabulate."""

    def __init__(
        self,
        spec: BenchmarkSpec,
        registry: Registry,
        out: Path,
        force: bool = False,
        console: Console | None = None,
        loggers: tuple[str, ...] = (),
        jobs: int | str | None = None,
        overrides: Overrides | None = None,
    ) -> None:
        """`jobs`: runs at once; None: the spec's `[executor] jobs`, else 1; "auto" (the
        command line's default): the spec's, else what fits the machine (`resolve_jobs`). Worker
        processes load the plugins anew, so only "auto" or a number may start them.
        `overrides`: the command line's, handed on to worker processes with the spec's path."""
        self.spec = spec
        self.registry = registry
        self.out = out
        self.overrides = overrides or Overrides()
        given = spec.executor_params.get("jobs")
        self.auto_jobs = jobs == "auto" and given is None
        self.requested_jobs = jobs if isinstance(jobs, int) else given
        self.jobs = self.requested_jobs or 1
        self.results_dir = out / spec.name
        self.runs = plan_runs(spec, out, loggers)
        self.force = force
        self.console = console or Console()
        self._prepared: Prepared | None = None
        self._single: SingleRun | None = None
        self._progress: Progress | None = None
        self.kept = 0  # runs finished and recorded by this invocation
        self.in_flight: RunInfo | None = None
        self._run_seconds: list[float] = []

    def pending(self) -> list[RunInfo]:
        if self.force:
            return list(self.runs)
        return [
            run
            for run in self.runs
            if not reusable(read_record_or_none(run.run_dir), run.config_hash)
        ]

    def plan(self) -> Plan:
        """What `execute` would do, read from the results folder alone (nothing is loaded or
        written): runs to train, to evaluate again, to reuse, and a time estimate."""
        pending = self.pending()
        return make_plan(self.spec, self.runs, pending, self.force, self.results_dir, self.jobs)

    def damaged(self) -> list[str]:
        """One line per damaged record of this benchmark: its run is trained again."""
        return find_records(self.results_dir).damaged if self.results_dir.exists() else []

    def prepare(self) -> Prepared:
        """Device, data, feature extractor and reference features (`preparation.prepare`)."""
        return prepare(self.spec, self.registry, self.console)

    def execute(self) -> SweepResult:
        todo = self.pending()
        reevaluated = 0
        if todo:
            self._prepared = self.prepare()
        for message in self.damaged():
            self._warn(f"{message}; that run is trained again")
        with results_lock(self.results_dir) as takeover:
            if takeover:
                self._warn(takeover)
            if todo:
                todo = self.pending()  # another sweep may have finished some meanwhile
            if todo:
                write_atomic(self.results_dir / SPEC_FILE, self.spec.path.read_bytes())
                reevaluated = self._execute(todo)
            scan = find_records(self.results_dir)
            records = [r for r in scan.records if self._planned(r)]
            title = self.spec.description or self.spec.name
            summary, files = publish(records, self.results_dir, title, self.console, self._warn)
        failed = [
            RunFiles(runs_folder(self.results_dir) / r.run_dir).record
            for r in records
            if r.status == "failed"
        ]
        return SweepResult(
            results_dir=self.results_dir,
            trained=len(todo) - reevaluated,
            reevaluated=reevaluated,
            skipped=len(self.runs) - len(todo),
            summary=summary,
            files=files,
            failed=failed,
        )

    def resolve_jobs(self, todo: list[RunInfo], prepared: Prepared) -> int:
        """The runs to train at once: as asked, else (auto) what surely fits: on a CPU, one per core
        for point sets (whose networks take one thread each, so running them side by side
        changes neither their speed nor their numerics), one otherwise."""
        if self.requested_jobs is not None or not self.auto_jobs:
            return max(1, min(self.jobs, len(todo)))
        small = math.prod(prepared.data.sample_shape) <= SMALL_SAMPLE
        if prepared.device.type != "cpu" or not small:
            return 1
        return max(1, min(len(todo), math.floor(available_cpus())))

    def task(self, run: RunInfo) -> RunTask:
        """`run` as a picklable task for a worker process (see `genbench.sweep.worker`)."""
        return RunTask(
            spec_path=self.spec.path.resolve(),
            overrides=asdict(self.overrides),
            out=self.out.resolve(),
            force=self.force,
            entry=run.entry,
            seed=run.seed,
            config_hash=run.config_hash,
            jobs=self.jobs,
            loggers=run.loggers,
        )

    def _execute(self, todo: list[RunInfo]) -> int:
        """Run `todo` through the executor with a progress bar; returns how many runs were
        evaluated again rather than trained."""
        reevaluated = 0
        executor = self.registry.get("executor", self.spec.executor)
        params = dict(self.spec.executor_params)
        if any(param.name == "jobs" for param in executor.params):
            assert self._prepared is not None
            self.jobs = params["jobs"] = self.resolve_jobs(todo, self._prepared)
        elif self.requested_jobs not in (None, 1):
            raise UserError(f"--jobs: executor {executor.name!r} takes no jobs; leave it out")
        done = len(self.runs) - len(todo)
        with self._make_progress() as progress:
            self._progress = progress
            sweep_bar = progress.add_task(
                f"{self.spec.name}", total=len(self.runs), completed=done, info=""
            )
            progress.update(sweep_bar, info=self._eta(todo, 0))
            for finished, record in enumerate(
                executor.run(todo, _SweepWork(self), params), start=1
            ):
                progress.update(sweep_bar, advance=1, info=self._eta(todo, finished))
                reevaluated += record.training_reused
                self._report(record)
        self._progress = None
        return reevaluated

    def _eta(self, todo: list[RunInfo], finished: int) -> str:
        """The time left, from the runs measured so far, else from the budget."""
        left = len(todo) - finished
        if left == 0:
            return ""
        if self._run_seconds:
            per_run: float | None = sum(self._run_seconds) / len(self._run_seconds)
        else:
            per_run = self.spec.budget.seconds
        return "ETA ?" if per_run is None else f"ETA ~{duration(left * per_run)}"

    def _warn(self, message: str) -> None:
        self.console.print(f"[bold yellow]warning:[/] {escape(message)}", soft_wrap=True)

    def _planned(self, record: RunRecord) -> bool:
        return any(
            r.entry == record.entry and r.config_hash == record.config_hash for r in self.runs
        )

    def _make_progress(self) -> Progress:
        return Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed:.0f}/{task.total:.0f}"),
            TimeElapsedColumn(),
            TextColumn("{task.fields[info]}"),
            console=self.console,
        )

    def _report(self, record: RunRecord) -> None:
        status = record.status
        style = {"ok": "green", "diverged": "yellow"}.get(status, "red")
        detail = ""
        if record.diverged is not None:
            detail = f": {record.diverged.reason}"
        elif record.error is not None:
            detail = f": {record.error.message}"
        if record.training_reused:
            detail += ", evaluated again from its checkpoint"
        train = record.train
        text = f"{record.entry} seed {record.seed} ({train.steps} steps, "
        line = escape(f"{text}{train.seconds:.1f}s){detail}")
        self.console.print(f"[{style}]{status}[/] {line}")

    def single_run(self) -> SingleRun:
        """The object that does this sweep's runs in this process (made once, on first use)."""
        if self._prepared is None:
            self._prepared = self.prepare()
        if self._single is None:
            self._single = SingleRun(
                self.spec,
                self.registry,
                self.runs,
                self.results_dir,
                self._prepared,
                jobs=self.jobs,
                force=self.force,
                warn=self._warn,
            )
        return self._single

    def work(self, run: RunInfo) -> RunRecord:
        """Train, checkpoint, evaluate and record one run (`SingleRun`), with its progress bar
        and the lifecycle hooks; never raises for a run's failure."""
        single = self.single_run()
        self.in_flight = run
        started = time.perf_counter()
        self.registry.hook.genbench_run_started(run=run)
        progress = self._progress
        bar = (
            progress.add_task(f"  {run.entry} · seed {run.seed}", total=1.0, info="")
            if progress
            else None
        )
        try:
            record = single(run, self._logger(run, bar))
        finally:
            if progress is not None and bar is not None:
                progress.remove_task(bar)
        self.kept += 1
        self.in_flight = None
        self._run_seconds.append(time.perf_counter() - started)
        self.registry.hook.genbench_run_finished(run=run, record=record)
        return record

    def _logger(self, run: RunInfo, bar: TaskID | None) -> LogCallback:
        """Training scalars to the lifecycle hook and the run's progress bar."""
        budget = self.spec.budget

        def on_log(progress: TrainProgress) -> None:
            step = progress.steps
            self.registry.hook.genbench_train_log(run=run, step=step, scalars=progress.losses)
            if self._progress is not None and bar is not None:
                text = " ".join(f"{k} {v:.3f}" for k, v in progress.losses.items())
                used = budget.fraction(step, progress.seconds, progress.flops)
                self._progress.update(bar, completed=used, info=f"step {step} {text}")

        return on_log


class _SweepWork:
    """The sweep's `Work`: a run here, or a run described for a worker."""

    def __init__(self, sweep: Sweep) -> None:
        self.sweep = sweep

    def __call__(self, run: RunInfo) -> RunRecord:
        return self.sweep.work(run)

    def task(self, run: RunInfo) -> RunTask:
        return self.sweep.task(run)

    def keep(self, run: RunInfo, outcome: RunRecord | BaseException) -> RunRecord:
        from genbench.sweep.elsewhere import keep_record

        return keep_record(self.sweep, run, outcome)
