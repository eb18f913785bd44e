"""Packing (PacGAN, Lin et al. 2018): the critic judges m samples at once.

A critic that sees m samples concatenated can tell a collapsed generator (whose m samples
look alike) from the data (whose m samples differ), which penalises mode collapse for any
loss. `PackedCritic` groups m consecutive samples of a batch, concatenated along the first
sample axis (channels of an image, features of a point), and gives one value per group, so
every divergence's losses apply unchanged; real and generated batches are packed separately.
"""

from __future__ import annotations

import torch
from torch import nn


class PackedCritic(nn.Module):
    """Wraps a critic built for `genbench.api.packed_shape(...)`: (B, *shape) -> (B / m,)
    raw values."""

    def __init__(self, critic: nn.Module, packing: int) -> None:
        super().__init__()
        self.critic = critic
        self.packing = packing

    def pack(self, x: torch.Tensor) -> torch.Tensor:
        """(B, *shape) -> (B / m, m shape[0], *shape[1:]); samples i m ... i m + m - 1 form
        group i (the memory layout makes this a view)."""
        if x.shape[0] % self.packing:
            raise ValueError(f"batch of {x.shape[0]} is not a multiple of packing {self.packing}")
        return x.reshape(x.shape[0] // self.packing, -1, *x.shape[2:])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.critic(self.pack(x))
