"""The model's step functions as the engine calls them: eager, compiled, or in mixed precision.

Both options are off by default and opt-in per benchmark (`[benchmark] compile`, `precision`):
- `compile`: `torch.compile` (inductor) of `generate`, `critic_loss` and `generator_loss`; on
  CUDA in "reduce-overhead" mode, which replays the step's kernels as CUDA graphs (at GAN batch
  sizes a GPU step is bound by kernel launches). Compilation happens in a probe before the
  training clock starts, on a throw-away step of a whole training batch whose gradients are
  discarded and whose random numbers, parameters and buffers (batch norm's running statistics,
  a spectral norm's vectors) are restored, so the probe leaves no trace on the model; where it
  fails (no C++ toolchain, an unsupported model) training runs eagerly and the record says why.
- `precision = "bf16"` or `"fp16"`: the networks' forward passes under `torch.autocast` in
  bfloat16 or float16, the losses, weights and optimiser states in float32, fp16's losses
  scaled for their backward passes (`genbench.engine.precision`).
The first step of every step shape runs eagerly anyway, so the FLOP counter sees plain ops.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from typing import NamedTuple

import torch
from torch import nn

from genbench.api.adversarial import AdversarialModel
from genbench.engine.batches import BatchSource
from genbench.engine.freezing import frozen, trainable_weights
from genbench.engine.precision import GradientScalers, gradient_scalers, networks_in
from genbench.errors import first_line


@dataclass(frozen=True)
class EngineOptions:
    """How the engine runs a model's step: compiled or not, float32 or mixed precision."""

    compile: bool = False
    precision: str = "float32"


class Functions(NamedTuple):
    generate: Callable[[int], torch.Tensor]
    critic_loss: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
    generator_loss: Callable[[torch.Tensor], torch.Tensor]


class StepFunctions:
    """`generate`, `critic_loss` and `generator_loss` of a model, as the options ask.

    The eager functions look the model's methods up at each call, so a model (or a test) that
    replaces one keeps working."""

    def __init__(self, model: AdversarialModel, options: EngineOptions | None = None) -> None:
        self.model = model
        self.options = options or EngineOptions()
        self.device = next(model.parameters()).device
        self.compiled = False
        self.compile_error: str | None = None
        self.eager = Functions(
            lambda n: model.generate(n),
            lambda real, fake: model.critic_loss(real, fake),
            lambda fake: model.generator_loss(fake),
        )
        self.current = self.eager
        self.scalers: GradientScalers = gradient_scalers(model, self.options.precision)

    def begin_step(self) -> None:
        """Called before each step; CUDA graphs need to know where a step begins."""
        if self.compiled and self.device.type == "cuda":
            torch.compiler.cudagraph_mark_step_begin()

    def compile(self, data: BatchSource) -> None:
        """Compile the functions and run them once on a throw-away step; on failure keep the
        eager ones and remember why."""
        if not self.options.compile:
            return
        mode = "reduce-overhead" if self.device.type == "cuda" else None
        self.current = Functions(*(torch.compile(f, mode=mode) for f in self.eager))
        self.compiled = True
        try:
            self._probe(data)
        except Exception as exc:  # no toolchain, an unsupported op: train eagerly
            self.current = self.eager
            self.compiled = False
            self.compile_error = f"{type(exc).__name__}: {first_line(exc)}"[:300]

    def _probe(self, data: BatchSource) -> None:
        model, batch, f = self.model, self.model.batch_size, self.current
        real = data.first_batch(model)
        devices = [self.device] if self.device.type == "cuda" else []
        with torch.random.fork_rng(devices=devices), _restored(model):
            for _ in range(2):  # the second call proves the compiled code is reused
                self.begin_step()
                with torch.no_grad():
                    fake = f.generate(batch)
                f.critic_loss(real, fake).backward()
                with frozen(trainable_weights(model.critic)):
                    f.generator_loss(f.generate(batch)).backward()
                model.zero_grad(set_to_none=True)

    def precision(self) -> AbstractContextManager[None]:
        """The block in which the functions run (compile probe and training): in mixed
        precision, the networks' forward passes under autocast and the losses outside it."""
        if self.options.precision == "float32":
            return nullcontext()
        return networks_in(self.model, self.options.precision)


@contextmanager
def _restored(module: nn.Module) -> Iterator[None]:
    """The module's parameters and buffers (persistent or not) get their values back after the
    block, copied in place so optimisers and compiled code keep the same tensors: a training
    forward pass moves batch norm's running statistics, which evaluation samples with."""
    tensors = [*module.parameters(), *module.buffers()]
    saved = [tensor.detach().clone() for tensor in tensors]
    try:
        yield
    finally:
        with torch.no_grad():
            for tensor, value in zip(tensors, saved, strict=True):
                tensor.copy_(value)
