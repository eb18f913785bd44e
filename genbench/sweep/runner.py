"""The sweep runner: entries x seeds, each trained on the same budget, evaluated, recorded.

Runs whose record already answers their configuration are skipped, and runs whose evaluation
settings alone changed are evaluated again from their checkpoints (`force` retrains). Data,
the feature extractor and the real reference features are prepared once per sweep, and only
when something must train. A run that diverges or fails becomes a row; the sweep goes on.
"""

from __future__ import annotations

import math
import random
import re
import time
import traceback
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import torch
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from genbench import environment
from genbench.api.adversarial import AdversarialModel
from genbench.api.data import DatasetRequest, LoadedData
from genbench.api.executor import RunInfo, RunTask
from genbench.api.features import ExtractorRequest
from genbench.api.model import BuildContext, InitSource
from genbench.api.storage import DamagedFileError, cache_dir, load_torch, save_torch, write_atomic
from genbench.devices import resolve_device
from genbench.errors import UserError, collected_warnings
from genbench.eval.evaluator import Evaluator, MetricRequest
from genbench.eval.reference import ReferenceCache
from genbench.registry import Registry
from genbench.report.figures import PREVIEW_FILE, preview, save_samples
from genbench.report.publish import publish
from genbench.report.record import (
    ColumnFacts,
    CurveFacts,
    DatasetFacts,
    Divergence,
    FeatureFacts,
    ModelFacts,
    RecordError,
    RunError,
    RunRecord,
    TrainFacts,
)
from genbench.report.tables import Summary
from genbench.report.values import finite_or_none
from genbench.sweep.acceleration import EngineOptions
from genbench.sweep.engine import LogCallback, TrainOutcome, train
from genbench.sweep.lock import results_lock
from genbench.sweep.plan import CHECKPOINT_FILE, Plan, duration, make_plan
from genbench.sweep.records import (
    RECORD_FILE,
    find_records,
    read_record,
    read_record_or_none,
    reusable,
    trained_already,
    write_record,
)
from genbench.sweep.spec import BenchmarkSpec, EntrySpec, Overrides, config_hash, training_hash
from genbench.sweep.threads import available_cpus, plan_threads, work_macs
from genbench.sweep.timeline import Timeline

# Samples of at most this many values (2-D points) train networks that take one thread.
SMALL_SAMPLE = 16
SAMPLES_FILE = "samples.png"


@dataclass
class SweepResult:
    results_dir: Path
    trained: int
    reevaluated: int
    skipped: int
    summary: Summary
    files: dict[str, Path]
    failed: list[Path]


@dataclass
class _Prepared:
    device: torch.device
    data: LoadedData
    evaluator: Evaluator
    record_facts: dict[str, Any]  # RunRecord fields every run of the sweep shares


def plan_runs(spec: BenchmarkSpec, out: Path, loggers: tuple[str, ...] = ()) -> list[RunInfo]:
    """Every (entry, seed) run of the spec, in spec order except that an entry's runs come
    after those of the entry it starts from (`init_from`); `loggers` as `--log` named them."""
    folders = _entry_folders(spec.entries)
    runs = []
    for entry in spec.training_order():
        for seed in spec.seeds:
            config = spec.run_config(entry, seed)
            run_dir = out / spec.name / "runs" / folders[entry.name] / f"seed-{seed}"
            hashes = config_hash(config), training_hash(config)
            runs.append(
                RunInfo(
                    spec.name, entry.name, seed, run_dir, config, *hashes, loggers, entry.init_from
                )
            )
    return runs


def _entry_folders(entries: tuple[EntrySpec, ...]) -> dict[str, str]:
    folders: dict[str, str] = {}
    for index, entry in enumerate(entries):
        slug = re.sub(r"[^a-z0-9]+", "-", entry.name.lower()).strip("-") or "entry"
        folders[entry.name] = slug if slug not in folders.values() else f"{slug}-{index}"
    return folders


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
        self._entries = {entry.name: (i, entry) for i, entry in enumerate(spec.entries)}
        self._prepared: _Prepared | None = None
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
        return make_plan(self.spec, self.runs, self.pending(), self.force, self.results_dir)

    def damaged(self) -> list[str]:
        """One line per damaged record of this benchmark: its run is trained again."""
        return find_records(self.results_dir).damaged if self.results_dir.exists() else []

    def prepare(self) -> _Prepared:
        """Device, data, feature extractor and reference features; every metric is tried
        on real data so an incompatible choice fails before training (and before any write)."""
        spec = self.spec
        device = resolve_device(spec.device)
        dataset = self.registry.get("dataset", spec.dataset)
        with (
            self.console.status(f"Loading dataset {spec.dataset}..."),
            collected_warnings() as caught,
        ):
            data = dataset.load(DatasetRequest(spec.dataset_params, device, spec.data_root))
        messages = dict.fromkeys([*caught, data.fallback or ""])
        for message in filter(None, messages):
            self.console.print(f"[bold yellow]warning:[/] {escape(message)}", soft_wrap=True)
        evaluation = spec.evaluation
        factory = self.registry.get("feature_extractor", evaluation.features)
        with self.console.status(f"Preparing feature extractor {factory.name}..."):
            folder = cache_dir()
            request = ExtractorRequest(evaluation.feature_params, data, device, folder)
            extractor = factory.build(request)
            metrics = [
                MetricRequest(
                    self.registry.get("metric", name),
                    evaluation.metric_params[name],
                    self.registry.entry("metric", name).plugin,
                )
                for name in evaluation.metrics
            ]
            cache = ReferenceCache(folder, factory.name, evaluation.feature_params)
            evaluator = Evaluator(
                data, extractor, metrics, evaluation.samples, evaluation.batch_size, cache
            )
            evaluator.preflight()
        features = {
            "name": factory.name,
            "info": extractor.info,
            "reference": evaluator.reference_info,
        }
        facts = self._record_facts(device, data, evaluator, features)
        return _Prepared(device, data, evaluator, facts)

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
                write_atomic(self.results_dir / "spec.toml", self.spec.path.read_bytes())
                reevaluated = self._execute(todo)
            scan = find_records(self.results_dir)
            records = [r for r in scan.records if self._planned(r)]
            title = self.spec.description or self.spec.name
            summary, files = publish(records, self.results_dir, title, self.console, self._warn)
        failed = [
            self.results_dir / "runs" / r.run_dir / RECORD_FILE
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

    def resolve_jobs(self, todo: list[RunInfo], prepared: _Prepared) -> int:
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

    def work(self, run: RunInfo) -> RunRecord:
        """Train, checkpoint, evaluate and record one run; never raises for a run's failure."""
        if self._prepared is None:
            self._prepared = self.prepare()
        prepared = self._prepared
        self.in_flight = run
        started = time.perf_counter()
        self.registry.hook.genbench_run_started(run=run)
        record = self._new_record(run, prepared)
        progress = self._progress
        bar = (
            progress.add_task(f"  {run.entry} · seed {run.seed}", total=1.0, info="")
            if progress
            else None
        )
        previous = None if self.force else read_record_or_none(run.run_dir)
        try:
            reused = False
            if trained_already(previous, run.training_hash) and self._checkpoint(run).exists():
                reused = self._reuse_training(run, prepared, record, previous)
            if not reused:
                self._train_and_evaluate(run, prepared, record, self._logger(run, bar))
        except Exception as exc:  # a failing run is a row in the table, not the end of the sweep
            record.status = "failed"
            message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            record.error = RunError(
                type=type(exc).__name__, message=message, traceback=traceback.format_exc()
            )
        finally:
            if progress is not None and bar is not None:
                progress.remove_task(bar)
        record.finished_at = _now()
        write_record(run.run_dir, record)
        self.kept += 1
        self.in_flight = None
        self._run_seconds.append(time.perf_counter() - started)
        self.registry.hook.genbench_run_finished(run=run, record=record)
        return record

    def _train_and_evaluate(
        self, run: RunInfo, prepared: _Prepared, record: RunRecord, on_log: LogCallback
    ) -> None:
        record.training_reused = False
        record.diverged = None
        _seed_everything(run.seed)
        model = self._build(run, prepared)
        timeline = Timeline(self.spec.evaluation, prepared.evaluator, model)
        on_log = timeline.wrap(on_log)
        threads = plan_threads(available_cpus(), self.jobs, work_macs(model, model.batch_size))
        options = EngineOptions(self.spec.compile, self.spec.precision)
        data = prepared.data.train
        outcome = train(model, data, self.spec.budget, on_log, threads=threads, options=options)
        record.train = _train_facts(outcome, model, self.jobs)
        record.timeline = timeline.facts
        record.status = outcome.status
        _save_checkpoint(model, self._checkpoint(run), run, outcome)
        if outcome.status == "diverged":
            record.diverged = Divergence(step=outcome.diverged_at or 0, reason=outcome.reason or "")
            return
        self._evaluate(run, model, prepared, record)

    def _reuse_training(
        self, run: RunInfo, prepared: _Prepared, record: RunRecord, previous: RunRecord
    ) -> bool:
        """Only the evaluation settings changed: evaluate the saved generator again. False
        (said on one line) when the checkpoint is damaged: then the run trains again."""
        record.status, record.train, record.diverged = (
            previous.status,
            previous.train,
            previous.diverged,
        )
        record.training_reused = True
        record.timeline = previous.timeline
        if record.status != "ok":
            return True
        model = self._build(run, prepared)
        try:
            state = load_torch(self._checkpoint(run), map_location=prepared.device)
            model.load_checkpoint(state)
        except (DamagedFileError, KeyError, RuntimeError, TypeError, ValueError) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            self._warn(f"{run.entry} seed {run.seed}: damaged checkpoint ({reason}); trains again")
            return False
        self._evaluate(run, model, prepared, record)
        return True

    def _build(self, run: RunInfo, prepared: _Prepared) -> AdversarialModel:
        _, entry = self._entries[run.entry]
        family = self.registry.get("model", entry.model)
        init = None
        if entry.init_from is not None:
            parent = self._run_of(entry.init_from, run.seed)
            parent_model = self._entries[parent.entry][1].model
            init = InitSource(
                parent.entry, parent_model, lambda: self._load_trained(parent, prepared)
            )
        context = BuildContext(
            entry.params, prepared.data.sample_shape, prepared.device, self.registry, init
        )
        return family.build(context)

    def _run_of(self, entry: str, seed: int) -> RunInfo:
        return next(run for run in self.runs if run.entry == entry and run.seed == seed)

    def _load_trained(self, run: RunInfo, prepared: _Prepared) -> AdversarialModel:
        """The trained model of `run`, rebuilt from its checkpoint, for an entry that starts
        from it; a run that did not finish training is this run's failure, said plainly."""
        try:
            record = read_record(run.run_dir)
        except RecordError:
            record = None
        path = self._checkpoint(run)
        source = f"{run.entry!r} seed {run.seed}"
        if record is None or not trained_already(record, run.training_hash) or not path.exists():
            raise UserError(f"{source} has no trained checkpoint to start from")
        if record.status != "ok":
            raise UserError(f"{source} {record.status}; cannot start from it")
        model = self._build(run, prepared)
        try:
            model.load_checkpoint(load_torch(path, map_location=prepared.device))
        except DamagedFileError as exc:
            raise UserError(f"{exc}; retrain {source} with `genbench run --force`") from None
        return model

    def _checkpoint(self, run: RunInfo) -> Path:
        return run.run_dir / CHECKPOINT_FILE

    def _evaluate(
        self, run: RunInfo, model: AdversarialModel, prepared: _Prepared, record: RunRecord
    ) -> None:
        # Seeded here, so that evaluating a checkpoint again draws the same samples.
        _seed_everything(run.seed)
        started = time.perf_counter()
        if record.model is not None:  # ema None: the raw generator was evaluated
            record.model.ema = model.ema_decay
        fake = model.sample(prepared.evaluator.samples, self.spec.evaluation.batch_size)
        # An undefined value (e.g. reverse KL with no high-quality sample) is stored as null.
        scores = prepared.evaluator.score(fake)
        record.metrics = {k: finite_or_none(v) for k, v in scores.values.items()}
        record.curves = {
            key: CurveFacts(
                x=list(curve.x), y=list(curve.y), x_label=curve.x_label, y_label=curve.y_label
            )
            for key, curve in scores.curves.items()
        }
        record.eval_seconds = time.perf_counter() - started
        save_samples(fake, prepared.evaluator.real_samples, run.run_dir / SAMPLES_FILE, run.entry)
        save_torch(preview(fake), run.run_dir / PREVIEW_FILE)

    def _logger(self, run: RunInfo, bar: TaskID | None) -> LogCallback:
        """Training scalars to the lifecycle hook and the run's progress bar."""
        budget = self.spec.budget

        def on_log(step: int, seconds: float, losses: dict[str, float]) -> None:
            self.registry.hook.genbench_train_log(run=run, step=step, scalars=losses)
            if self._progress is not None and bar is not None:
                text = " ".join(f"{k} {v:.3f}" for k, v in losses.items())
                self._progress.update(
                    bar, completed=budget.fraction(step, seconds), info=f"step {step} {text}"
                )

        return on_log

    def _new_record(self, run: RunInfo, prepared: _Prepared) -> RunRecord:
        index, entry = self._entries[run.entry]
        return RunRecord(
            benchmark=run.benchmark,
            entry=run.entry,
            entry_index=index,
            run_dir=run.run_dir.relative_to(self.results_dir / "runs").as_posix(),
            seed=run.seed,
            status="failed",
            config=run.config,
            config_hash=run.config_hash,
            training_hash=run.training_hash,
            model=ModelFacts(
                name=entry.model, plugin=self.registry.entry("model", entry.model).plugin
            ),
            started_at=_now(),
            **prepared.record_facts,
        )

    def _record_facts(
        self, device: torch.device, data: LoadedData, evaluator: Evaluator, features: dict[str, Any]
    ) -> dict[str, Any]:
        """What every record of this sweep shares, computed once (hashing the data is not free)."""
        return {
            "dataset": DatasetFacts(
                name=self.spec.dataset,
                source=data.source,
                fallback=data.fallback,
                fingerprint=data.fingerprint(),
                train_size=len(data.train),
            ),
            "features": FeatureFacts(**features),
            "eval_samples": evaluator.samples,
            "columns": [
                ColumnFacts(**asdict(column))
                for name in self.spec.evaluation.metrics
                for column in self.registry.get("metric", name).columns
            ],
            "device": str(device),
            "machine": environment.machine(device),
            "versions": environment.versions(),
            "plugins": {
                info.name: f"{info.distribution} {info.version}"
                for info in self.registry.plugins
                if info.error is None
            },
        }


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


def _train_facts(outcome: TrainOutcome, model: AdversarialModel, jobs: int) -> TrainFacts:
    seconds = max(outcome.seconds, 1e-9)
    return TrainFacts(
        seconds=outcome.seconds,
        steps=outcome.steps,
        critic_steps=outcome.critic_steps,
        batch_size=model.batch_size,
        steps_per_second=outcome.steps / seconds,
        samples_per_second=outcome.critic_steps * model.batch_size / seconds,
        final_losses=outcome.last_losses,
        cpu_seconds=outcome.cpu_seconds,
        threads=outcome.threads,
        cpu_share=outcome.cpu_share,
        contended=outcome.contended,
        flops=outcome.flops,
        flops_per_step={str(k): v for k, v in outcome.flops_per_step.items()},
        compiled=outcome.compiled,
        compile_error=outcome.compile_error,
        jobs=jobs,
    )


def _save_checkpoint(
    model: AdversarialModel, path: Path, run: RunInfo, outcome: TrainOutcome
) -> None:
    state = {**model.checkpoint(), "steps": outcome.steps, "training_hash": run.training_hash}
    save_torch(state, path)


def _seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
