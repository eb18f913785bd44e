"""The standard normal latent prior, the default of every GAN model."""

from __future__ import annotations

from typing import Any

import torch

import genbench


class StandardNormalPrior(genbench.LatentPrior):
    def sample(self, n: int) -> torch.Tensor:
        return torch.randn(n, self.latent_dim, device=self.device)


def build_standard_normal(latent_dim: int, params: dict[str, Any]) -> StandardNormalPrior:
    return StandardNormalPrior(latent_dim)
