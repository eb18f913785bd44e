"""An exponential moving average of the generator's weights.

Evaluating the average of G's recent weights instead of the last iterate removes much of the
oscillation that adversarial training leaves in G (Yazici et al. 2019; used by Progressive
GAN, StyleGAN and BigGAN) at the cost of one copy of G and one lerp per step: the cheapest
quality gain in the GAN literature. Buffers (batch-norm statistics) are copied, not averaged.
"""

from __future__ import annotations

import copy

import torch
from torch import nn


class WeightAverage(nn.Module):
    """`average` holds decay * average + (1 - decay) * current after each `update`."""

    def __init__(self, module: nn.Module, decay: float) -> None:
        super().__init__()
        if not 0.0 < decay < 1.0:
            raise ValueError(f"decay must be in (0, 1), got {decay}")
        self.decay = decay
        self.average = copy.deepcopy(module).requires_grad_(False)

    @torch.no_grad()
    def update(self, module: nn.Module) -> None:
        for averaged, current in zip(self.average.parameters(), module.parameters(), strict=True):
            averaged.lerp_(current, 1.0 - self.decay)
        for average_buffer, buffer in zip(self.average.buffers(), module.buffers(), strict=True):
            average_buffer.copy_(buffer)
