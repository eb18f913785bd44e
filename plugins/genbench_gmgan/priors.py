"""Gaussian-mixture latent priors (Ben-Yosef & Weinshall 2018).

z ~ (1/K) sum_k N(mu_k, sigma_k^2 I) in d = latent_dim dimensions. The means are drawn once,
uniformly in [-c, c]^d, from torch's RNG when the prior is built (the runner seeds it per run).
They are state of the model, not of the configuration: the static prior keeps them as
persistent buffers, the dynamic one as parameters, so every checkpoint holds them and a loaded
model samples from the mixture it was trained with, never from a fresh draw. Both store the
scales as log sigma_k under the same names, so a static checkpoint loads into a dynamic prior
(to go on learning the mixture) and vice versa.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

import genbench


class GaussianMixturePrior(genbench.LatentPrior):
    """Equal-weight isotropic mixture; `learnable` makes the means and the log scales
    parameters, which the generator's optimiser then updates with the generator."""

    def __init__(self, means: torch.Tensor, sigma: float, learnable: bool) -> None:
        super().__init__(means.shape[1])
        log_sigma = torch.full((means.shape[0],), float(sigma)).log()
        if learnable:
            self.means = nn.Parameter(means)
            self.log_sigma = nn.Parameter(log_sigma)
        else:
            self.register_buffer("means", means)
            self.register_buffer("log_sigma", log_sigma)

    @property
    def sigma(self) -> torch.Tensor:
        """The per-component scales sigma_k, (K,)."""
        return self.log_sigma.exp()

    def sample(self, n: int) -> torch.Tensor:
        # Reparameterised: z = mu_k + sigma_k * noise, so gradients reach mu and log sigma.
        component = torch.randint(0, self.means.shape[0], (n,), device=self.device)
        noise = torch.randn(n, self.latent_dim, device=self.device)
        return self.means[component] + self.sigma[component, None] * noise


def draw_means(components: int, latent_dim: int, c: float) -> torch.Tensor:
    """K means uniformly in [-c, c]^d, drawn on the CPU so a seed gives the same means on
    every device."""
    return c * (2 * torch.rand(components, latent_dim) - 1)


def build_static(latent_dim: int, params: dict[str, Any]) -> GaussianMixturePrior:
    means = draw_means(params["K"], latent_dim, params["c"])
    return GaussianMixturePrior(means, params["sigma"], learnable=False)


def build_dynamic(latent_dim: int, params: dict[str, Any]) -> GaussianMixturePrior:
    means = draw_means(params["K"], latent_dim, params["c"])
    return GaussianMixturePrior(means, params["sigma"], learnable=True)
