"""The latent-prior contract.

A prior is an `nn.Module` so that its parameters and buffers (mixture means, scales) are part
of the model's state: saved in every checkpoint and reused by every later sample.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from genbench.api.params import Param


class LatentPrior(nn.Module):
    """Base class for priors; subclasses implement `sample`."""

    def __init__(self, latent_dim: int) -> None:
        super().__init__()
        self.latent_dim = latent_dim
        self.register_buffer("_device_anchor", torch.zeros(()), persistent=False)

    @property
    def device(self) -> torch.device:
        return self._device_anchor.device

    def sample(self, n: int) -> torch.Tensor:
        """n latent vectors (n, latent_dim) on the prior's device, from torch's global RNG."""
        raise NotImplementedError


@dataclass(frozen=True)
class Prior:
    """A registered prior; `build(latent_dim, params)` makes a fresh `LatentPrior`."""

    name: str
    description: str
    build: Callable[[int, dict[str, Any]], LatentPrior]
    params: tuple[Param, ...] = ()
