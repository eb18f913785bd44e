"""The hinge and least-squares objectives: losses on the critic's raw output v that are not
f-divergence bounds, so they define `discriminator_loss` and `generator_loss` directly.

Hinge (Lim & Ye 2017; Miyato et al. 2018; Brock et al. 2019): at the optimal critic
v*(x) = sign(p(x) - q(x)) the critic's loss is 2 - 2 TV(P, Q). Least squares (Mao et al.
2017): the optimal critic is (b p + a q) / (p + q); with b - c = 1 and b - a = 2 the generator's
objective plus the paper's data term is half the chi-squared divergence it names.
"""

from __future__ import annotations

from typing import Any

import torch

import genbench
from genbench_objectives.catalog import BY_NAME


class Hinge:
    name = "hinge"
    description = BY_NAME["hinge"].description
    params = BY_NAME["hinge"].params

    def discriminator_loss(self, v_real: torch.Tensor, v_fake: torch.Tensor) -> torch.Tensor:
        return torch.relu(1 - v_real).mean() + torch.relu(1 + v_fake).mean()

    def generator_loss(self, v_fake: torch.Tensor) -> torch.Tensor:
        return -v_fake.mean()


class LeastSquares:
    """Targets b for real and a for generated samples in the critic's loss, c in the
    generator's. `params` is the catalog's: once loaded, this object is what the registry
    describes, and the `fgan` family configures a divergence only if it declares params."""

    name = "least-squares"
    description = BY_NAME["least-squares"].description
    params = BY_NAME["least-squares"].params

    def __init__(self, a: float = 0.0, b: float = 1.0, c: float = 1.0) -> None:
        if a == b:
            raise genbench.UserError(
                f"least-squares needs a != b (both {a}): the critic would have nothing to tell "
                "apart; e.g. a = 0, b = 1"
            )
        self.a, self.b, self.c = a, b, c

    def configure(self, params: dict[str, Any]) -> LeastSquares:
        return LeastSquares(params["a"], params["b"], params["c"])

    def discriminator_loss(self, v_real: torch.Tensor, v_fake: torch.Tensor) -> torch.Tensor:
        return ((v_real - self.b) ** 2).mean() / 2 + ((v_fake - self.a) ** 2).mean() / 2

    def generator_loss(self, v_fake: torch.Tensor) -> torch.Tensor:
        return ((v_fake - self.c) ** 2).mean() / 2
