"""Resumable training: what the engine must keep at a step boundary so that a run killed
there and started again ends with the weights an uninterrupted run ends with.

The model's own state (weights, optimisers, a weight average, batch-norm statistics, spectral
norm's vectors: `AdversarialModel.checkpoint`) is the caller's to save; the engine adds its
counters (steps, critic steps, training seconds and FLOPs, which keep counting against the
budget), the FLOPs it counted per step shape, fp16's loss scalers and every random number
generator the steps draw from (Python's, NumPy's, torch's on the CPU and on each GPU).
Everything is stored as plain lists and tensors, which `genbench.api.load_torch` reads
without unpickling code.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import torch

from genbench.engine.precision import GradientScalers
from genbench.spec.budget import Budget


@dataclass
class EngineState:
    steps: int
    critic_steps: int
    seconds: float
    flops: float
    flops_per_step: dict[int, float] = field(default_factory=dict)
    random: dict[str, Any] = field(default_factory=dict)
    scalers: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def capture(
        cls,
        steps: int,
        critic_steps: int,
        seconds: float,
        flops: float,
        flops_per_step: dict[int, float],
        scalers: GradientScalers,
    ) -> EngineState:
        """The engine's state now: its counters as given, the scalers' and every random
        generator's."""
        return cls(
            steps,
            critic_steps,
            seconds,
            flops,
            dict(flops_per_step),
            random_state(),
            scalers.state_dict(),
        )

    def restore(self, scalers: GradientScalers) -> None:
        """The scalers and random generators as the state left them (the counters are the
        caller's)."""
        scalers.load_state_dict(self.scalers)
        restore_random(self.random)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EngineState:
        state = cls(**data)
        state.flops_per_step = {int(k): float(v) for k, v in state.flops_per_step.items()}
        return state


@dataclass(frozen=True)
class Checkpointing:
    """Save a resumable state every `every` (steps or training seconds; None: never) through
    `save`, and start from `resume` when given."""

    every: Budget | None
    save: Callable[[EngineState], None]
    resume: EngineState | None = None

    def due(self, steps: int, seconds: float, last: tuple[int, float]) -> bool:
        """Whether a state is due at `steps` and `seconds`, the last saved at `last`."""
        if self.every is None:
            return False
        if self.every.steps is not None:
            return steps - last[0] >= self.every.steps
        return seconds - last[1] >= self.every.time_limit


def random_state() -> dict[str, Any]:
    """Every generator training draws from, as lists and tensors: what a resumable state
    keeps, and what the timeline puts back after scoring a point."""
    name, keys, position, has_gauss, cached = np.random.get_state()
    version, internal, gauss_next = random.getstate()
    cuda = torch.cuda.get_rng_state_all() if torch.cuda.is_available() else []
    return {
        "python": [version, list(internal), gauss_next],
        "numpy": [name, torch.from_numpy(np.asarray(keys).copy()), position, has_gauss, cached],
        "torch": torch.get_rng_state(),
        "cuda": list(cuda),
    }


def restore_random(state: dict[str, Any]) -> None:
    version, internal, gauss_next = state["python"]
    random.setstate((version, tuple(internal), gauss_next))
    name, keys, position, has_gauss, cached = state["numpy"]
    np.random.set_state((name, keys.numpy().astype(np.uint32), position, has_gauss, cached))
    torch.set_rng_state(state["torch"])
    if state["cuda"] and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])
