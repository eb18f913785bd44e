"""The latent prior a model samples from.

A prior is an `nn.Module` so that its parameters and buffers (mixture means, scales) are part
of the model's state: saved in every checkpoint and reused by every later sample.
"""

from __future__ import annotations

import torch
from torch import nn


class LatentPrior(nn.Module):
    """Base class for priors; subclasses implement `sample`."""

    _device_anchor: torch.Tensor

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
