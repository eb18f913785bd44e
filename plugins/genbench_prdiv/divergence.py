"""The lambda-PR divergence (Verine et al. 2023): an f-divergence whose value is read off the
precision-recall curve, D_lambda(P||Q) = min(lambda, 1) - alpha_lambda with
alpha_lambda = E_Q[min(lambda p/q, 1)] the precision at slope lambda (Simon et al. 2019)."""

from __future__ import annotations

from typing import Any

import torch

import genbench


class PRDivergence(genbench.FDivergence):
    """f(u) = max(lambda u, 1) - max(lambda, 1); f*(t) = max(t, 0) / lambda + max(lambda, 1) - 1
    on dom f* = (-inf, lambda] (+inf above). The optimal critic T* = f'(p/q) takes only the
    values 0 and lambda, so the activation lambda * sigmoid(v) spans exactly the useful part of
    the domain. Training on this dual directly gives vanishing gradients (the paper's point);
    the `pr-optimizer` model trains the critic on an auxiliary divergence instead."""

    name = "pr"

    def __init__(self, lambda_: float = 1.0) -> None:
        self.lambda_ = lambda_

    def configure(self, params: dict[str, Any]) -> PRDivergence:
        return PRDivergence(params["lambda"])

    def f(self, u: torch.Tensor) -> torch.Tensor:
        lam = self.lambda_
        return torch.clamp(lam * u, min=1.0) - max(lam, 1.0)

    def f_star(self, t: torch.Tensor) -> torch.Tensor:
        lam = self.lambda_
        value = torch.clamp(t, min=0.0) / lam + max(lam, 1.0) - 1.0
        return torch.where(t <= lam, value, torch.full_like(t, float("inf")))

    def activation(self, v: torch.Tensor) -> torch.Tensor:
        return self.lambda_ * torch.sigmoid(v)

    def precision(self, ratio: torch.Tensor) -> torch.Tensor:
        """min(lambda r, 1): its mean over generated samples estimates alpha_lambda."""
        return torch.clamp(self.lambda_ * ratio, max=1.0)
