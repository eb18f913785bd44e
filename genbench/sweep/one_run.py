"""One run of a sweep: train on the budget, checkpoint, evaluate, and record, or evaluate a
saved checkpoint again when only the evaluation settings changed. The same object does a run in
the sweep's process and in a worker process (`genbench.sweep.worker`), with the run hooks
around it (`OneRun.observed`).

A run never raises for its own failure: a run that raises is recorded as `failed` with its
traceback, one that diverges as `diverged` with its step, and the sweep goes on. A run that
starts from another entry (`init_from`) rebuilds that entry's trained model from its
checkpoint, prior included.
"""

from __future__ import annotations

import time
import traceback
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import torch
from torch import nn

from genbench.api.adversarial import AdversarialModel
from genbench.api.executor import RunInfo
from genbench.api.layout import RunFiles, runs_folder
from genbench.api.record import (
    CurveFacts,
    Divergence,
    ModelFacts,
    Pruned,
    RunError,
    RunRecord,
    TrainFacts,
)
from genbench.api.storage import DamagedFileError, load_torch, save_torch
from genbench.engine.acceleration import EngineOptions
from genbench.engine.loop import LogCallback, TrainOutcome, TrainProgress, train
from genbench.engine.parallel import DataParallel
from genbench.engine.resume import Checkpointing, EngineState
from genbench.engine.threads import available_cpus, plan_threads, work_macs
from genbench.engine.timeline import Timeline
from genbench.errors import first_line
from genbench.eval.evaluator import Evaluator
from genbench.registry import Registry
from genbench.report.figures import GRID_COLUMNS, preview, save_samples
from genbench.report.values import finite_or_none
from genbench.spec.benchmark import BenchmarkSpec
from genbench.sweep.preparation import Prepared
from genbench.sweep.ranks import checkpoint_saved, run_written
from genbench.sweep.records import reusable_training, write_record
from genbench.sweep.run_models import RunModels, training_labels
from genbench.sweep.sampling import class_rows, draw_labelled, seed_everything


class OneRun:
    """Does the runs of one sweep, one at a time, in this process."""

    def __init__(
        self,
        spec: BenchmarkSpec,
        registry: Registry,
        runs: list[RunInfo],
        results_dir: Path,
        prepared: Prepared,
        *,
        jobs: int,
        force: bool,
        parallel: DataParallel | None = None,
    ) -> None:
        self.spec = spec
        self.parallel = parallel
        self.registry = registry
        self.results_dir = results_dir
        self.prepared = prepared
        self.jobs = jobs
        self.force = force
        self._entries = {entry.name: (i, entry) for i, entry in enumerate(spec.entries)}
        self._runs = runs

    @cached_property
    def models(self) -> RunModels:
        """Made on the first run that builds a model (not for a record kept from elsewhere)."""
        prepared = self.prepared
        return RunModels(self.spec, self.registry, self._runs, prepared.data, prepared.device)

    def __call__(self, run: RunInfo, on_log: LogCallback) -> RunRecord:
        """The run's record, written to its folder; `on_log` sees the training scalars."""
        record, reused = self.new_record(run), False
        try:
            previous = reusable_training(run, self.force)
            reused = previous is not None and self._reuse_training(run, record, previous)
            if not reused:
                self._train_and_evaluate(run, record, on_log)
        except Exception as exc:  # a failing run is a row in the table, not the end of the sweep
            record.status = "failed"
            record.error = run_error(exc)
        record.finished_at = _now()
        write_record(run.run_dir, record)
        if self.parallel is not None and not reused:
            run_written()
        return record

    def observed(self, run: RunInfo, hook: Any) -> RunRecord:
        """The run with the run hooks around it: started, training scalars with the share of
        the budget spent, finished; `hook` is the plugin manager's hook relay."""
        hook.genbench_run_started(run=run)
        budget = self.spec.budget

        def on_log(progress: TrainProgress) -> None:
            spent = budget.fraction(progress.steps, progress.seconds, progress.flops)
            scalars = progress.losses
            hook.genbench_train_log(run=run, step=progress.steps, scalars=scalars, progress=spent)
            return None

        record = self(run, on_log)
        hook.genbench_run_finished(run=run, record=record)
        return record

    def failed(self, run: RunInfo, exc: BaseException) -> RunRecord:
        """The record of a run whose worker or job ended with `exc` before it could write one,
        built from the run's facts as any record is."""
        record = self.new_record(run)
        record.error = run_error(exc)
        record.finished_at = _now()
        return record

    def _train_and_evaluate(self, run: RunInfo, record: RunRecord, on_log: LogCallback) -> None:
        record.training_reused, record.diverged = False, None
        files = _files(run)
        device = self.prepared.device
        saved = None if self.force else _saved_state(run, files, device, self.registry)
        seed_everything(run.seed)
        model = self.models.build(run)
        prune = self._entries[run.entry][1].prune
        timeline = Timeline(self.spec.evaluation, self.prepared.evaluator, model, prune)
        if saved is not None:
            model.load_checkpoint(saved["model"])
            timeline.restore(saved["timeline"])
        on_log = timeline.wrap(on_log)
        threads = plan_threads(available_cpus(), self.jobs, work_macs(model, model.batch_size))
        options = EngineOptions(self.spec.compile, self.spec.precision)
        checkpoints = _checkpointing(self.spec, run, model, timeline, saved)
        data, budget = self.prepared.data, self.spec.budget
        outcome = train(model, data.train, budget, on_log, threads=threads, options=options,
                        checkpoints=checkpoints, parallel=self.parallel, stream=data.stream,
                        labels=training_labels(model, data))  # fmt: skip
        files.resume.unlink(missing_ok=True)
        record.train = _train_facts(outcome, model, self.jobs, self.parallel)
        record.timeline = timeline.facts
        record.status = outcome.status
        _save_trained(run, model, outcome, self.parallel)
        if outcome.status == "diverged":
            record.diverged = Divergence(step=outcome.diverged_at or 0, reason=outcome.reason or "")
            return
        if outcome.status == "pruned":  # judged hopeless: its evaluation would be spent in vain
            point = len(record.timeline.steps) if record.timeline else 0
            record.pruned = Pruned(step=outcome.steps, point=point, reason=outcome.reason or "")
            return
        _evaluate(run, model, record, self.prepared.evaluator, self.spec.evaluation.batch_size)

    def _reuse_training(self, run: RunInfo, record: RunRecord, previous: RunRecord) -> bool:
        """Only the evaluation settings changed: evaluate the saved generator again. False
        (said on one line) when the checkpoint is damaged: then the run trains again."""
        record.status, record.train, record.diverged, record.pruned = (
            previous.status,
            previous.train,
            previous.diverged,
            previous.pruned,
        )
        record.training_reused = True
        record.timeline = previous.timeline
        if record.status != "ok":
            return True
        model = self.models.build(run)
        try:
            state = load_torch(_files(run).checkpoint, map_location=self.prepared.device)
            model.load_checkpoint(state)
        except (DamagedFileError, KeyError, RuntimeError, TypeError, ValueError) as exc:
            reason = first_line(exc)
            message = f"{run.entry} seed {run.seed}: damaged checkpoint ({reason}); trains again"
            self.registry.hook.genbench_sweep_warning(message=message)
            return False
        _evaluate(run, model, record, self.prepared.evaluator, self.spec.evaluation.batch_size)
        return True

    def new_record(self, run: RunInfo) -> RunRecord:
        """A fresh record of `run` (status failed until it succeeds), with the sweep's facts."""
        index, entry = self._entries[run.entry]
        return RunRecord(
            benchmark=run.benchmark,
            entry=run.entry,
            entry_index=index,
            run_dir=run.run_dir.relative_to(runs_folder(self.results_dir)).as_posix(),
            seed=run.seed,
            status="failed",
            config=run.config,
            config_hash=run.config_hash,
            training_hash=run.training_hash,
            model=ModelFacts(
                name=entry.model, plugin=self.registry.entry("model", entry.model).plugin
            ),
            started_at=_now(),
            **self.prepared.record_facts,
        )


def _saved_state(
    run: RunInfo, files: RunFiles, device: torch.device, registry: Registry
) -> dict[str, Any] | None:
    """The state a killed run of this training left (`RunFiles.resume`), if it is one of
    this training's and reads; else None (said on one line when damaged)."""
    if not files.resume.exists():
        return None
    try:
        saved = load_torch(files.resume, map_location=device)
    except DamagedFileError as exc:
        message = f"{run.entry} seed {run.seed}: damaged resume state ({exc}); starts over"
        registry.hook.genbench_sweep_warning(message=message)
        return None
    if not isinstance(saved, dict) or saved.get("training_hash") != run.training_hash:
        return None
    return saved


def _checkpointing(
    spec: BenchmarkSpec,
    run: RunInfo,
    model: AdversarialModel,
    timeline: Timeline,
    saved: dict[str, Any] | None,
) -> Checkpointing:
    """Where the engine saves the run's state (model, engine, timeline) and what it resumes."""
    files = _files(run)

    def save(engine: EngineState) -> None:
        state: dict[str, Any] = {"model": model.checkpoint(), "engine": engine.to_dict()}
        state |= {"timeline": timeline.state(), "training_hash": run.training_hash}
        save_torch(state, files.resume)

    resume = EngineState.from_dict(saved["engine"]) if saved is not None else None
    return Checkpointing(spec.checkpoint_every, save, resume)


def _save_trained(
    run: RunInfo, model: AdversarialModel, outcome: TrainOutcome, parallel: DataParallel | None
) -> None:
    """The trained model's checkpoint; where ranks trained it, the others go on once it is
    there (an entry that starts from this run reads it)."""
    state = {**model.checkpoint(), "steps": outcome.steps, "training_hash": run.training_hash}
    save_torch(state, _files(run).checkpoint)
    if parallel is not None:
        checkpoint_saved()


def run_error(exc: BaseException) -> RunError:
    """The error of a failed run: its type, its first line (the table's reason) and the
    traceback as far as it is known."""
    trace = "".join(traceback.format_exception(exc))
    return RunError(type=type(exc).__name__, message=first_line(exc), traceback=trace)


def _evaluate(
    run: RunInfo, model: AdversarialModel, record: RunRecord, evaluator: Evaluator, batch: int
) -> None:
    """Score `model`'s samples into `record`, and save the samples figure and the preview a
    report rebuilds its samples figure from."""
    started = time.perf_counter()
    if record.model is not None:  # ema None: the raw generator was evaluated
        record.model.ema = model.ema_decay
        record.model.generator_parameters = _parameters(model.generator)
        record.model.critic_parameters = _parameters(model.critic)
        record.model.classes = model.num_classes or None
    # Seeded, so that evaluating a checkpoint again or loading it back draws the same samples.
    fake, labels = draw_labelled(model, evaluator.samples, batch, seed=run.seed)
    # An undefined value (e.g. reverse KL with no high-quality sample) is stored as null.
    scores = evaluator.score(fake, labels)
    record.metrics = {k: finite_or_none(v) for k, v in scores.values.items()}
    record.curves = {
        key: CurveFacts(
            x=list(curve.x), y=list(curve.y), x_label=curve.x_label, y_label=curve.y_label
        )
        for key, curve in scores.curves.items()
    }
    record.eval_seconds = time.perf_counter() - started
    files = _files(run)
    if model.labels is not None and fake.dim() == 4:  # a row per class, its first in the preview
        fake = class_rows(model, GRID_COLUMNS, batch)
        save_samples(fake, evaluator.real_samples, files.samples, run.entry, shown=len(fake))
        fake = fake[::GRID_COLUMNS]
    else:
        save_samples(fake, evaluator.real_samples, files.samples, run.entry)
    save_torch(preview(fake), files.preview)


def _files(run: RunInfo) -> RunFiles:
    return RunFiles(run.run_dir)


def _train_facts(
    outcome: TrainOutcome, model: AdversarialModel, jobs: int, parallel: DataParallel | None
) -> TrainFacts:
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
        joint_critic=outcome.joint_critic,
        resumed_at=outcome.resumed_at,
        ranks=parallel.world if parallel else 1,
    )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _parameters(network: nn.Module) -> int:
    return sum(parameter.numel() for parameter in network.parameters())
