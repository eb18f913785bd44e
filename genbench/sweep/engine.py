"""The adversarial training engine.

Alternates `critic_steps` critic updates with one generator update until the budget is spent.
Batches are drawn by index from one tensor on the device. Losses stay on the device and are
read back once per logging window, which keeps GPU runs asynchronous while still finding the
exact step of a non-finite loss.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import torch

from genbench.api.adversarial import AdversarialModel
from genbench.sweep.budget import Budget, TrainingClock

LOSS_NAMES = ("d_loss", "g_loss")


@dataclass
class TrainOutcome:
    """How training ended; `status` is "ok" or "diverged" (then `diverged_at` and `reason`)."""

    status: str
    steps: int
    critic_steps: int
    seconds: float
    last_losses: dict[str, float] = field(default_factory=dict)
    diverged_at: int | None = None
    reason: str | None = None


LogCallback = Callable[[int, float, dict[str, float]], None]


def train(
    model: AdversarialModel,
    data: torch.Tensor,
    budget: Budget,
    on_log: LogCallback | None = None,
    log_every: int = 25,
) -> TrainOutcome:
    """Train `model` on `data` (N, ...) until `budget` is used; `on_log(step, seconds, losses)`
    is called once per window of `log_every` generator steps, off the training clock."""
    model.train()
    # Adam's moment estimates of weights whose gradient stays zero (a saturated loss, a clipped
    # critic) decay into subnormal floats, which the CPU handles up to 50x slower; flushing
    # them to zero changes no result that matters and keeps the step time flat.
    flushing = data.device.type == "cpu" and torch.set_flush_denormal(True)
    try:
        return _train(model, data, budget, on_log, log_every)
    finally:
        if flushing:
            torch.set_flush_denormal(False)


def _train(
    model: AdversarialModel,
    data: torch.Tensor,
    budget: Budget,
    on_log: LogCallback | None,
    log_every: int,
) -> TrainOutcome:
    clock = TrainingClock()
    window: list[torch.Tensor] = []
    outcome = TrainOutcome(status="ok", steps=0, critic_steps=0, seconds=0.0)
    clock.start()
    while not budget.exhausted(outcome.steps, clock.seconds):
        model.begin_step(outcome.steps)
        n_critic = model.critic_steps(outcome.steps)
        d_loss = _update_critic(model, data, n_critic)
        g_loss = _update_generator(model)
        window.append(torch.stack((d_loss.detach(), g_loss.detach())))
        outcome.steps += 1
        outcome.critic_steps += n_critic
        if len(window) >= log_every or budget.exhausted(outcome.steps, clock.seconds):
            _synchronize(data.device)
            clock.pause()
            finite = _read_window(window, outcome)
            window.clear()
            if not finite:
                break
            if on_log is not None:
                on_log(outcome.steps, clock.seconds, outcome.last_losses)
            clock.start()
    _synchronize(data.device)
    clock.pause()
    if window:
        _read_window(window, outcome)
    outcome.seconds = clock.seconds
    return outcome


def _update_critic(model: AdversarialModel, data: torch.Tensor, n_critic: int) -> torch.Tensor:
    batch_size = model.batch_size
    for _ in range(n_critic):
        index = torch.randint(0, data.shape[0], (batch_size,), device=data.device)
        with torch.no_grad():
            fake = model.generate(batch_size)
        loss = model.critic_loss(data[index], fake)
        model.d_optimizer.zero_grad(set_to_none=True)
        loss.backward()
        model.before_critic_step()
        model.d_optimizer.step()
        model.after_critic_step()
    return loss


def _update_generator(model: AdversarialModel) -> torch.Tensor:
    # The critic's weights need no gradient here; skipping them saves a third of the backward.
    model.critic.requires_grad_(False)
    try:
        loss = model.generator_loss(model.generate(model.batch_size))
        model.g_optimizer.zero_grad(set_to_none=True)
        loss.backward()
        model.before_generator_step()
        model.g_optimizer.step()
        model.after_generator_step()
    finally:
        model.critic.requires_grad_(True)
    return loss


def _read_window(window: list[torch.Tensor], outcome: TrainOutcome) -> bool:
    """Copy the window's losses to the host; False (and `outcome` marked) if one diverged."""
    losses = torch.stack(window).to("cpu", torch.float64)
    finite = torch.isfinite(losses)
    if not bool(finite.all()):
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
