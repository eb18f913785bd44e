"""Amari's alpha-divergences as a genbench plugin, written as any third party would.

f_alpha(u) = (u^alpha - 1 - alpha (u - 1)) / (alpha (alpha - 1)), for alpha not 0 or 1 (the
limits are KL and reverse KL; alpha = 2 is half of Pearson's chi^2, alpha = 1/2 twice the
squared Hellinger distance). Its conjugate is f*(t) = ((1 + (alpha - 1) t)^(alpha /
(alpha - 1)) - 1) / alpha on 1 + (alpha - 1) t > 0. With the activation
t = (exp((alpha - 1) v) - 1) / (alpha - 1), which maps every real into that domain for either
sign of alpha - 1, f*(g(v)) = (exp(alpha v) - 1) / alpha and the ratio estimate is exp(v).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

import genbench


class AlphaDivergence(genbench.FDivergence):
    name = "alpha"
    description = "Amari alpha-divergence (third-party example plugin)."
    params = (genbench.Param("alpha", 0.5, "order; not 0 or 1"),)

    def __init__(self, alpha: float = 0.5) -> None:
        if alpha in (0.0, 1.0):
            raise genbench.UserError("alpha must not be 0 or 1 (use 'kl' or 'reverse-kl')")
        self.alpha = alpha

    def configure(self, params: dict[str, Any]) -> AlphaDivergence:
        return AlphaDivergence(params["alpha"])

    def f(self, u: torch.Tensor) -> torch.Tensor:
        a = self.alpha
        return (u**a - 1 - a * (u - 1)) / (a * (a - 1))

    def f_star(self, t: torch.Tensor) -> torch.Tensor:
        a = self.alpha
        return ((1 + (a - 1) * t) ** (a / (a - 1)) - 1) / a

    def activation(self, v: torch.Tensor) -> torch.Tensor:
        a = self.alpha
        return torch.expm1((a - 1) * v) / (a - 1)

    def conjugate_of_activation(self, v: torch.Tensor) -> torch.Tensor:
        return torch.expm1(self.alpha * v) / self.alpha


@genbench.hookimpl
def genbench_register_divergences(register: Callable[[genbench.Divergence], None]) -> None:
    register(AlphaDivergence())
