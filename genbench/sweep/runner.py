"""The sweep runner: entries x seeds, each trained on the same budget, evaluated, recorded.

Runs whose record already answers their configuration are skipped, and runs whose evaluation
settings alone changed are evaluated again from their checkpoints (`force` retrains). Data,
the feature extractor and the real reference features are prepared once per sweep, and only
when something must train. A run that diverges or fails becomes a row; the sweep goes on.
"""

from __future__ import annotations

import io
import math
import random
import re
import shutil
import time
import traceback
import warnings
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
from genbench.api.data import DatasetRequest, LoadedData
from genbench.api.executor import RunInfo, RunTask
from genbench.api.features import ExtractorRequest
from genbench.api.model import AdversarialModel, BuildContext, InitSource
from genbench.devices import resolve_device
from genbench.errors import UserError
from genbench.eval.evaluator import Evaluator, MetricRequest
from genbench.eval.reference import ReferenceCache
from genbench.registry import Registry
from genbench.report.figures import PREVIEW_FILE, preview, save_samples, write_figures
from genbench.report.tables import Summary, print_summary, summarize, write_tables
from genbench.sweep.acceleration import EngineOptions
from genbench.sweep.engine import LogCallback, TrainOutcome, train
from genbench.sweep.records import (
    RECORD_FILE,
    find_records,
    read_record,
    reusable,
    trained_already,
    write_atomic,
    write_record,
)
from genbench.sweep.spec import BenchmarkSpec, EntrySpec, Overrides, config_hash, training_hash
from genbench.sweep.threads import available_cpus, plan_threads, work_macs

CHECKPOINT_FILE = "checkpoint.pt"
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
    record_facts: dict[str, Any]


def plan_runs(spec: BenchmarkSpec, out: Path) -> list[RunInfo]:
    """Every (entry, seed) run of the spec, in spec order except that an entry's runs come
    after those of the entry it starts from (`init_from`)."""
    folders = _entry_folders(spec.entries)
    runs = []
    for entry in spec.training_order():
        for seed in spec.seeds:
            config = spec.run_config(entry, seed)
            run_dir = out / spec.name / "runs" / folders[entry.name] / f"seed-{seed}"
            hashes = config_hash(config), training_hash(config)
            runs.append(
                RunInfo(spec.name, entry.name, seed, run_dir, config, *hashes, entry.init_from)
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
        self.runs = plan_runs(spec, out)
        self.force = force
        self.console = console or Console()
        self._entries = {entry.name: (i, entry) for i, entry in enumerate(spec.entries)}
        self._prepared: _Prepared | None = None
        self._progress: Progress | None = None

    def pending(self) -> list[RunInfo]:
        if self.force:
            return list(self.runs)
        return [run for run in self.runs if not reusable(read_record(run.run_dir), run.config_hash)]

    def prepare(self) -> _Prepared:
        """Device, data, feature extractor and reference features; every metric is tried
        on real data so an incompatible choice fails before training (and before any write)."""
        spec = self.spec
        device = resolve_device(spec.device)
        dataset = self.registry.get("dataset", spec.dataset)
        with (
            self.console.status(f"Loading dataset {spec.dataset}..."),
            warnings.catch_warnings(record=True) as caught,
        ):
            warnings.simplefilter("always")
            data = dataset.load(DatasetRequest(spec.dataset_params, device, spec.data_root))
        messages = dict.fromkeys([str(w.message) for w in caught] + [data.fallback or ""])
        for message in filter(None, messages):
            self.console.print(f"[bold yellow]warning:[/] {escape(message)}")
        evaluation = spec.evaluation
        factory = self.registry.get("feature_extractor", evaluation.features)
        with self.console.status(f"Preparing feature extractor {factory.name}..."):
            cache_dir = environment.cache_dir()
            request = ExtractorRequest(evaluation.feature_params, data, device, cache_dir)
            extractor = factory.build(request)
            metrics = [
                MetricRequest(self.registry.get("metric", name), evaluation.metric_params[name])
                for name in evaluation.metrics
            ]
            cache = ReferenceCache(cache_dir, factory.name, evaluation.feature_params)
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
            self.results_dir.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(self.spec.path, self.results_dir / "spec.toml")
            executor = self.registry.get("executor", self.spec.executor)
            params = dict(self.spec.executor_params)
            if any(param.name == "jobs" for param in executor.params):
                self.jobs = params["jobs"] = self.resolve_jobs(todo, self._prepared)
            elif self.requested_jobs not in (None, 1):
                raise UserError(f"--jobs: executor {executor.name!r} takes no jobs; leave it out")
            with self._make_progress() as progress:
                self._progress = progress
                sweep_bar = progress.add_task(f"{self.spec.name}", total=len(todo), info="")
                for record in executor.run(todo, _SweepWork(self), params):
                    progress.advance(sweep_bar)
                    reevaluated += record["training_reused"]
                    self._report(record)
        records = [r for r in find_records(self.results_dir) if self._planned(r)]
        summary = summarize(records, self.spec.description or self.spec.name)
        files: dict[str, Path] = {}
        if records:
            files = write_tables(summary, self.results_dir)
            files.update(write_figures(records, self.results_dir))
        print_summary(summary, self.console)
        failed = [
            self.results_dir / "runs" / r["run_dir"] / RECORD_FILE
            for r in records
            if r["status"] == "failed"
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
        )

    def _planned(self, record: dict[str, Any]) -> bool:
        return any(
            r.entry == record.get("entry") and r.config_hash == record.get("config_hash")
            for r in self.runs
        )

    def _make_progress(self) -> Progress:
        return Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"),
            TimeElapsedColumn(),
            TextColumn("{task.fields[info]}"),
            console=self.console,
        )

    def _report(self, record: dict[str, Any]) -> None:
        status = record["status"]
        style = {"ok": "green", "diverged": "yellow"}.get(status, "red")
        detail = ""
        if status == "diverged":
            detail = f": {record['diverged']['reason']}"
        elif status == "failed":
            detail = f": {record['error']['message']}"
        if record["training_reused"]:
            detail += ", evaluated again from its checkpoint"
        train = record["train"]
        text = f"{record['entry']} seed {record['seed']} ({train['steps']} steps, "
        self.console.print(
            f"[{style}]{status}[/] " + escape(f"{text}{train['seconds']:.1f}s){detail}")
        )

    def work(self, run: RunInfo) -> dict[str, Any]:
        """Train, checkpoint, evaluate and record one run; never raises for a run's failure."""
        if self._prepared is None:
            self._prepared = self.prepare()
        prepared = self._prepared
        self.registry.hook.genbench_run_started(run=run)
        record = self._new_record(run, prepared)
        progress = self._progress
        bar = (
            progress.add_task(f"  {run.entry} · seed {run.seed}", total=1.0, info="")
            if progress
            else None
        )
        previous = None if self.force else read_record(run.run_dir)
        try:
            if trained_already(previous, run.training_hash) and self._checkpoint(run).exists():
                self._reuse_training(run, prepared, record, previous)
            else:
                self._train_and_evaluate(run, prepared, record, self._logger(run, bar))
        except Exception as exc:  # a failing run is a row in the table, not the end of the sweep
            record["status"] = "failed"
            record["error"] = {
                "type": type(exc).__name__,
                "message": str(exc).splitlines()[0] if str(exc) else type(exc).__name__,
                "traceback": traceback.format_exc(),
            }
        finally:
            if progress is not None and bar is not None:
                progress.remove_task(bar)
        record["finished_at"] = _now()
        write_record(run.run_dir, record)
        self.registry.hook.genbench_run_finished(run=run, record=record)
        return record

    def _train_and_evaluate(
        self, run: RunInfo, prepared: _Prepared, record: dict[str, Any], on_log: LogCallback
    ) -> None:
        _seed_everything(run.seed)
        model = self._build(run, prepared)
        threads = plan_threads(available_cpus(), self.jobs, work_macs(model, model.batch_size))
        options = EngineOptions(self.spec.compile, self.spec.precision)
        data = prepared.data.train
        outcome = train(model, data, self.spec.budget, on_log, threads=threads, options=options)
        record["train"] = _train_facts(outcome, model)
        record["train"]["jobs"] = self.jobs
        record["status"] = outcome.status
        _save_checkpoint(model, self._checkpoint(run), run, outcome)
        if outcome.status == "diverged":
            record["diverged"] = {"step": outcome.diverged_at, "reason": outcome.reason}
            return
        self._evaluate(run, model, prepared, record)

    def _reuse_training(
        self, run: RunInfo, prepared: _Prepared, record: dict[str, Any], previous: dict[str, Any]
    ) -> None:
        """Only the evaluation settings changed: evaluate the saved generator again."""
        for key in ("status", "train", "diverged"):
            record[key] = previous[key]
        record["training_reused"] = True
        if record["status"] == "ok":
            model = self._build(run, prepared)
            path = self._checkpoint(run)
            model.load_checkpoint(torch.load(path, map_location=prepared.device, weights_only=True))
            self._evaluate(run, model, prepared, record)

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
        context = BuildContext(entry.params, prepared.data.sample_shape, prepared.device, init)
        return family.build(context)

    def _run_of(self, entry: str, seed: int) -> RunInfo:
        return next(run for run in self.runs if run.entry == entry and run.seed == seed)

    def _load_trained(self, run: RunInfo, prepared: _Prepared) -> AdversarialModel:
        """The trained model of `run`, rebuilt from its checkpoint, for an entry that starts
        from it; a run that did not finish training is this run's failure, said plainly."""
        record = read_record(run.run_dir)
        path = self._checkpoint(run)
        source = f"{run.entry!r} seed {run.seed}"
        if not trained_already(record, run.training_hash) or not path.exists():
            raise UserError(f"{source} has no trained checkpoint to start from")
        if record["status"] != "ok":
            raise UserError(f"{source} {record['status']}; cannot start from it")
        model = self._build(run, prepared)
        model.load_checkpoint(torch.load(path, map_location=prepared.device, weights_only=True))
        return model

    def _checkpoint(self, run: RunInfo) -> Path:
        return run.run_dir / CHECKPOINT_FILE

    def _evaluate(
        self, run: RunInfo, model: AdversarialModel, prepared: _Prepared, record: dict[str, Any]
    ) -> None:
        # Seeded here, so that evaluating a checkpoint again draws the same samples.
        _seed_everything(run.seed)
        started = time.perf_counter()
        fake = model.sample(prepared.evaluator.samples, self.spec.evaluation.batch_size)
        # An undefined value (e.g. reverse KL with no high-quality sample) is stored as null.
        scores = prepared.evaluator.score(fake)
        record["metrics"] = {k: v if math.isfinite(v) else None for k, v in scores.values.items()}
        record["curves"] = {key: asdict(curve) for key, curve in scores.curves.items()}
        record["eval_seconds"] = time.perf_counter() - started
        save_samples(fake, prepared.evaluator.real_samples, run.run_dir / SAMPLES_FILE, run.entry)
        buffer = io.BytesIO()
        torch.save(preview(fake), buffer)
        write_atomic(run.run_dir / PREVIEW_FILE, buffer.getvalue())

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

    def _new_record(self, run: RunInfo, prepared: _Prepared) -> dict[str, Any]:
        index, entry = self._entries[run.entry]
        return {
            "benchmark": run.benchmark,
            "entry": run.entry,
            "entry_index": index,
            "run_dir": str(run.run_dir.relative_to(self.results_dir / "runs")),
            "seed": run.seed,
            "status": "failed",
            "config": run.config,
            "config_hash": run.config_hash,
            "training_hash": run.training_hash,
            "training_reused": False,
            "model": {
                "name": entry.model,
                "plugin": self.registry.entry("model", entry.model).plugin,
            },
            **prepared.record_facts,
            "train": {"seconds": 0.0, "steps": 0, "critic_steps": 0, "samples_per_second": 0.0},
            "metrics": {},
            "curves": {},
            "diverged": None,
            "error": None,
            "started_at": _now(),
        }

    def _record_facts(
        self, device: torch.device, data: LoadedData, evaluator: Evaluator, features: dict[str, Any]
    ) -> dict[str, Any]:
        """What every record of this sweep shares, computed once (hashing the data is not free)."""
        return {
            "dataset": {
                "name": self.spec.dataset,
                "source": data.source,
                "fallback": data.fallback,
                "fingerprint": data.fingerprint(),
                "train_size": len(data.train),
            },
            "features": features,
            "eval_samples": evaluator.samples,
            "columns": [
                asdict(column)
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

    def __call__(self, run: RunInfo) -> dict[str, Any]:
        return self.sweep.work(run)

    def task(self, run: RunInfo) -> RunTask:
        return self.sweep.task(run)


def _train_facts(outcome: TrainOutcome, model: AdversarialModel) -> dict[str, Any]:
    seconds = max(outcome.seconds, 1e-9)
    return {
        "seconds": outcome.seconds,
        "cpu_seconds": outcome.cpu_seconds,
        "threads": outcome.threads,
        "cpu_share": outcome.cpu_share,
        "contended": outcome.contended,
        "flops": outcome.flops,
        "flops_per_step": {str(k): v for k, v in outcome.flops_per_step.items()},
        "compiled": outcome.compiled,
        "compile_error": outcome.compile_error,
        "steps": outcome.steps,
        "critic_steps": outcome.critic_steps,
        "batch_size": model.batch_size,
        "steps_per_second": outcome.steps / seconds,
        "samples_per_second": outcome.critic_steps * model.batch_size / seconds,
        "final_losses": outcome.last_losses,
    }


def _save_checkpoint(
    model: AdversarialModel, path: Path, run: RunInfo, outcome: TrainOutcome
) -> None:
    state = {**model.checkpoint(), "steps": outcome.steps, "training_hash": run.training_hash}
    buffer = io.BytesIO()
    torch.save(state, buffer)
    write_atomic(path, buffer.getvalue())


def _seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
