"""The adversarial training engine.

Alternates `critic_steps` critic updates with one generator update until the budget is spent.
Batches are drawn by index from one tensor on the device. Losses stay on the device and are
read back once per logging window, which keeps GPU runs asynchronous while still finding the
exact step of a non-finite loss.

The training FLOPs (matrix products, as torch's FlopCounterMode counts them) are counted once
per step shape (each distinct number of critic updates) on the first such step, so every run
records the FLOPs it spent and a FLOP budget costs no per-step counting. On the CPU the loop
runs on the threads it is given and watches the CPU time it gets (`CpuShare`). Where the
critic treats each sample alone, it scores the real and the generated batch in one pass
(`AdversarialModel.joint_critic`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import torch

from genbench.api.adversarial import AdversarialModel
from genbench.api.data import TrainingStream
from genbench.engine.acceleration import EngineOptions, Functions, StepFunctions
from genbench.engine.batches import BatchSource, TrainingSet
from genbench.engine.flops import FlopCounter
from genbench.engine.freezing import frozen, trainable_weights
from genbench.engine.parallel import DataParallel, sharded_prior
from genbench.engine.precision import GradientScalers, check_float32_losses
from genbench.engine.resume import Checkpointing, EngineState
from genbench.engine.threads import CpuShare, thread_limit
from genbench.spec.budget import Budget, TrainingClock

LOSS_NAMES = ("d_loss", "g_loss")


@dataclass
class TrainOutcome:
    """How training ended; `status` is "ok", "diverged" (then `diverged_at` and `reason`) or
    "pruned" (a log callback stopped it; then `reason`)."""

    status: str
    steps: int
    critic_steps: int
    seconds: float
    last_losses: dict[str, float] = field(default_factory=dict)
    diverged_at: int | None = None
    reason: str | None = None
    cpu_seconds: float = 0.0
    threads: int = 1
    cpu_share: float = 1.0
    contended: bool = False
    flops: float = 0.0
    flops_per_step: dict[int, float] = field(default_factory=dict)
    compiled: bool = False
    compile_error: str | None = None
    joint_critic: bool = False
    resumed_at: int | None = None


@dataclass(frozen=True)
class TrainProgress:
    """Where training stands at a log point: generator steps, seconds of training clock, the
    training FLOPs spent (what a FLOP budget's progress is measured in) and the last losses."""

    steps: int
    seconds: float
    flops: float
    losses: dict[str, float]


# Returns None to go on, or why training stops here (a search's pruning rule).
LogCallback = Callable[[TrainProgress], str | None]


def train(
    model: AdversarialModel,
    data: torch.Tensor,
    budget: Budget,
    on_log: LogCallback | None = None,
    log_every: int = 25,
    threads: int | None = None,
    options: EngineOptions | None = None,
    checkpoints: Checkpointing | None = None,
    parallel: DataParallel | None = None,
    labels: torch.Tensor | None = None,
    stream: TrainingStream | None = None,
) -> TrainOutcome:
    """Train `model` on `data` (N, ...) until `budget` is used; `on_log(progress)`
    is called once per window of `log_every` generator steps, off the training clock, and
    stops training (status "pruned") when it returns a reason.

    `threads`: torch's intra-op threads for a CPU run, restored afterwards; the run falls back
    to one thread if a neighbour takes its cores. None keeps the process's setting. `options`:
    compilation and mixed precision (`genbench.engine.acceleration`). `checkpoints`: save a
    resumable state at log points (and resume from one); the budget counts what was spent
    before the resume. `parallel`: this process's rank of a data-parallel run
    (`genbench.engine.parallel`). `labels` (N,): the data's classes, which a conditional model
    must be given. `stream`: the data's stream (`LoadedData.stream`), which batches are then
    drawn from; `data` and `labels` are its held sample, for the checks before training."""
    training_set = _source(model, data, labels, stream)
    model.train()
    cpu = data.device.type == "cpu"
    # Adam's moment estimates of weights whose gradient stays zero (a saturated loss, a clipped
    # critic) decay into subnormal floats, which the CPU handles up to 50x slower; flushing
    # them to zero changes no result that matters and keeps the step time flat.
    flushing = cpu and torch.set_flush_denormal(True)
    planned = threads if threads is not None else torch.get_num_threads()
    # On a GPU the host runs one thread that mostly waits, so its CPU share says nothing.
    share = CpuShare(planned if cpu else 1, adapt=cpu and threads is not None)
    try:
        with thread_limit(planned):
            model.joint_critic = model.critic_is_per_sample(training_set.first_batch(model))
            functions = StepFunctions(model, options)
            with functions.precision():
                functions.compile(training_set)
                outcome = _train(
                    model,
                    training_set,
                    budget,
                    (on_log, log_every),
                    share,
                    functions,
                    checkpoints,
                    parallel,
                )
    finally:
        if flushing:
            torch.set_flush_denormal(False)
    outcome.cpu_seconds, outcome.threads = share.cpu_seconds, share.planned
    outcome.cpu_share, outcome.contended = share.share, cpu and share.contended
    outcome.compiled, outcome.compile_error = functions.compiled, functions.compile_error
    outcome.joint_critic = model.joint_critic
    return outcome


def _source(
    model: AdversarialModel,
    data: torch.Tensor,
    labels: torch.Tensor | None,
    stream: TrainingStream | None,
) -> BatchSource:
    """Where `model` draws its batches: `data` itself, or the data's stream."""
    if stream is None:
        return TrainingSet.of(model, data, labels)
    from genbench.engine.stream import StreamedSet

    return StreamedSet.of(model, stream, data, labels)


def _train(
    model: AdversarialModel,
    data: BatchSource,
    budget: Budget,
    logging: tuple[LogCallback | None, int],
    share: CpuShare,
    functions: StepFunctions,
    checkpoints: Checkpointing | None,
    parallel: DataParallel | None,
) -> TrainOutcome:
    on_log, log_every = logging
    window: list[torch.Tensor] = []
    outcome, clock = _start(checkpoints.resume if checkpoints else None, functions, data)
    saver = _Saver(checkpoints, outcome.steps, clock.seconds)
    counted = outcome.flops_per_step
    critic_weights = trainable_weights(model.critic)  # frozen for each generator update
    clock.start()
    share.start()
    ranks = parallel.world if parallel else 1
    while not _exhausted(budget, outcome, clock.seconds, parallel):
        model.begin_step(outcome.steps)
        n_critic = model.critic_steps(outcome.steps)
        d_loss, g_loss = _one_step(
            model, functions, data, n_critic, critic_weights, counted, parallel
        )
        window.append(torch.stack((d_loss.detach().float(), g_loss.detach().float())))
        outcome.steps += 1
        outcome.critic_steps += n_critic
        outcome.flops += counted[n_critic] * ranks
        share.check()
        if len(window) >= log_every or budget.exhausted(
            outcome.steps, clock.seconds, outcome.flops
        ):
            _synchronize(data.device)
            clock.pause()
            share.pause()
            finite = _read_window(window, outcome, parallel)
            window.clear()
            if not finite:
                break
            progress = TrainProgress(
                outcome.steps, clock.seconds, outcome.flops, outcome.last_losses
            )
            stop = _agreed(on_log(progress) if on_log is not None else None, parallel)
            # Stopping at the budget's end would save nothing and lose the final evaluation.
            ended = budget.exhausted(outcome.steps, clock.seconds, outcome.flops)
            if stop and not ended:
                outcome.status, outcome.reason = "pruned", stop
                break
            if not ended:
                saver.at_log_point(outcome, clock.seconds, functions)
            clock.start()
            share.start()
    _synchronize(data.device)
    clock.pause()
    share.pause()
    if window:
        _read_window(window, outcome)
    outcome.seconds = clock.seconds
    return outcome


def _exhausted(
    budget: Budget, outcome: TrainOutcome, seconds: float, parallel: DataParallel | None
) -> bool:
    done = budget.exhausted(outcome.steps, seconds, outcome.flops)
    if parallel is None or budget.seconds is None:
        return done
    return parallel.agree(done)  # the ranks' clocks differ a little; they stop together


def _one_step(
    model: AdversarialModel,
    functions: StepFunctions,
    data: BatchSource,
    n_critic: int,
    critic_weights: Sequence[torch.Tensor],
    counted: dict[int, float],
    parallel: DataParallel | None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """A generator step and its critic steps: the first of its shape eager and counted (its
    FLOPs, this rank's, go into `counted`), later ones with the current (maybe compiled)
    functions."""
    tools = (functions.scalers, parallel)
    with sharded_prior(model, parallel):
        if n_critic in counted:
            functions.begin_step()
            return _step(model, functions.current, data, n_critic, critic_weights, *tools)
        d_loss, g_loss, counted[n_critic] = _counted_step(
            model, functions.eager, data, n_critic, critic_weights, *tools
        )
    return d_loss, g_loss


class _Saver:
    """Saves a resumable state at a log point once `checkpoints.every` has passed since the
    last (or since the start)."""

    def __init__(self, checkpoints: Checkpointing | None, steps: int, seconds: float) -> None:
        self.checkpoints = checkpoints
        self.last = (steps, seconds)

    def at_log_point(self, outcome: TrainOutcome, seconds: float, functions: StepFunctions) -> None:
        if self.checkpoints is None or not self.checkpoints.due(outcome.steps, seconds, self.last):
            return
        counters = (outcome.steps, outcome.critic_steps, seconds, outcome.flops)
        state = EngineState.capture(*counters, outcome.flops_per_step, functions.scalers)
        self.checkpoints.save(state)
        self.last = (outcome.steps, seconds)


def _start(
    resume: EngineState | None, functions: StepFunctions, data: BatchSource
) -> tuple[TrainOutcome, TrainingClock]:
    """The outcome and training clock a run starts from: zero, or where its saved state was
    (counters, counted FLOPs, loss scalers, random generators and the data's draws as the
    state left them)."""
    outcome = TrainOutcome(status="ok", steps=0, critic_steps=0, seconds=0.0)
    if resume is None:
        return outcome, TrainingClock()
    outcome.steps, outcome.critic_steps = resume.steps, resume.critic_steps
    outcome.flops, outcome.resumed_at = resume.flops, resume.steps
    outcome.flops_per_step.update(resume.flops_per_step)
    resume.restore(functions.scalers)
    data.resume_at(resume.critic_steps)
    return outcome, TrainingClock(resume.seconds)


def _step(
    model: AdversarialModel,
    f: Functions,
    data: BatchSource,
    n_critic: int,
    critic_weights: Sequence[torch.Tensor],
    scalers: GradientScalers,
    parallel: DataParallel | None,
) -> tuple[torch.Tensor, torch.Tensor]:
    d_loss = _update_critic(model, f, data, n_critic, scalers.critic, parallel)
    return d_loss, _update_generator(model, f, critic_weights, scalers.generator, parallel)


def _counted_step(
    model: AdversarialModel,
    f: Functions,
    data: BatchSource,
    n_critic: int,
    critic_weights: Sequence[torch.Tensor],
    scalers: GradientScalers,
    parallel: DataParallel | None,
) -> tuple[torch.Tensor, torch.Tensor, float]:
    """One step with its training FLOPs (`genbench.engine.flops`), and the check, on each
    step shape's first step, that its losses are float32 (so a model that computes its loss
    in its networks' dtype fails at once)."""
    with FlopCounter() as counter:
        d_loss, g_loss = _step(model, f, data, n_critic, critic_weights, scalers, parallel)
    check_float32_losses(model, dict(zip(LOSS_NAMES, (d_loss, g_loss), strict=True)))
    return d_loss, g_loss, counter.total


def _update_critic(
    model: AdversarialModel,
    f: Functions,
    data: BatchSource,
    n_critic: int,
    scaler: torch.amp.GradScaler,
    parallel: DataParallel | None,
) -> torch.Tensor:
    batch_size = model.batch_size
    for _ in range(n_critic):
        real = data.draw(model, batch_size, parallel.share(batch_size) if parallel else None)
        with torch.no_grad():
            fake = f.generate(batch_size)
        loss = f.critic_loss(real, fake)
        model.d_optimizer.zero_grad(set_to_none=True)
        scaler.scale(loss).backward()
        if parallel is not None:
            parallel.average_gradients(model.d_optimizer)
        scaler.unscale_(model.d_optimizer)  # hooks (gradient clipping) see true gradients
        model.before_critic_step()
        scaler.step(model.d_optimizer)
        scaler.update()
        model.after_critic_step()
    return loss


def _update_generator(
    model: AdversarialModel,
    f: Functions,
    critic_weights: Sequence[torch.Tensor],
    scaler: torch.amp.GradScaler,
    parallel: DataParallel | None,
) -> torch.Tensor:
    with frozen(critic_weights):
        loss = f.generator_loss(f.generate(model.batch_size))
        model.g_optimizer.zero_grad(set_to_none=True)
        scaler.scale(loss).backward()
        if parallel is not None:
            parallel.average_gradients(model.g_optimizer)
        scaler.unscale_(model.g_optimizer)
        model.before_generator_step()
        scaler.step(model.g_optimizer)
        scaler.update()
        model.after_generator_step()
    return loss


def _agreed(stop: str | None, parallel: DataParallel | None) -> str | None:
    """Where ranks train one run, a stop any rank's callback asked for (only the first rank
    evaluates), so that every rank leaves the loop at the same step."""
    if parallel is None or not parallel.agree(stop is not None):
        return stop
    return stop or "stopped by the first rank"


def _read_window(
    window: list[torch.Tensor], outcome: TrainOutcome, parallel: DataParallel | None = None
) -> bool:
    """Copy the window's losses to the host; False (and `outcome` marked) if one diverged,
    on any rank."""
    losses = torch.stack(window).to("cpu", torch.float64)
    finite = torch.isfinite(losses)
    here = not bool(finite.all())
    if parallel is not None and parallel.agree(here) and not here:
        outcome.status, outcome.diverged_at = "diverged", outcome.steps
        outcome.reason = f"non-finite loss on another rank by step {outcome.steps}"
        return False
    if here:
        row, column = (~finite).nonzero()[0].tolist()
        outcome.status = "diverged"
        outcome.diverged_at = outcome.steps - len(window) + row + 1
        value = losses[row, column].item()
        outcome.reason = f"non-finite {LOSS_NAMES[column]} ({value}) at step {outcome.diverged_at}"
        outcome.steps = outcome.diverged_at
    outcome.last_losses = dict(zip(LOSS_NAMES, losses[-1].tolist(), strict=True))
    return outcome.status == "ok"


def _synchronize(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)
