"""The divergence contract: losses on the critic's raw output v.

A divergence object is registered as it is; `discriminator_loss` and `generator_loss` return
scalars to minimise.
"""

from __future__ import annotations

from typing import Protocol

import torch

from genbench.params import Param


class Divergence(Protocol):
    name: str
    description: str
    params: tuple[Param, ...]

    def discriminator_loss(self, v_real: torch.Tensor, v_fake: torch.Tensor) -> torch.Tensor: ...

    def generator_loss(self, v_fake: torch.Tensor) -> torch.Tensor: ...
