"""Kernel Inception Distance (Binkowski et al. 2018), as torch-fidelity computes it.

KID is the unbiased MMD^2 between the feature sets under the cubic polynomial kernel
k(x, y) = (x.y / d + 1)^3, averaged over random subsets. Unlike FID it has an unbiased
estimator, so its value does not drift with N; the subset size and count, the kernel and even
the random subsets are torch-fidelity's (same RNG, same draws), so a KID from genbench equals
one from torch-fidelity on the same features.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

import genbench
from genbench.api import UserError

DEGREE = 3
COEF0 = 1.0


def polynomial_mmd2(real: torch.Tensor, fake: torch.Tensor) -> float:
    """Unbiased MMD^2 of two equally sized sets under the cubic kernel, in float64.

    Only the within-set diagonals are left out (the unbiased, not the U-statistic, form).
    """
    real, fake = real.double(), fake.double()
    m, gamma = len(real), 1.0 / real.shape[1]

    def kernel_sum(a: torch.Tensor, b: torch.Tensor, off_diagonal: bool) -> torch.Tensor:
        gram = (a @ b.T * gamma + COEF0) ** DEGREE
        return gram.sum() - (gram.diagonal().sum() if off_diagonal else 0)

    within = kernel_sum(real, real, True) + kernel_sum(fake, fake, True)
    between = kernel_sum(real, fake, False)
    return float(within / (m * (m - 1)) - 2 * between / (m * m))


def subset_indices(
    real_count: int, fake_count: int, subsets: int, size: int, seed: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    """The subsets torch-fidelity draws: one numpy RandomState(seed), and per subset a draw
    without replacement from the real set, then one from the generated set."""
    rng = np.random.RandomState(seed)
    return [
        (rng.choice(real_count, size, replace=False), rng.choice(fake_count, size, replace=False))
        for _ in range(subsets)
    ]


def kid(
    real: torch.Tensor,
    fake: torch.Tensor,
    subsets: int = 100,
    subset_size: int = 1000,
    seed: int = 2020,
) -> tuple[float, float]:
    """(mean, population std) of MMD^2 over `subsets` subsets; the subset size is clipped to
    the smaller set, as a user asking for the default on fewer samples would want."""
    size = min(subset_size, len(real), len(fake))
    if size < 2:
        raise UserError(f"kid needs at least 2 samples per set, got {len(real)} and {len(fake)}")
    real, fake = real.reshape(len(real), -1), fake.reshape(len(fake), -1)
    values = [
        polynomial_mmd2(
            real[torch.from_numpy(r).to(real.device)], fake[torch.from_numpy(f).to(fake.device)]
        )
        for r, f in subset_indices(len(real), len(fake), subsets, size, seed)
    ]
    return float(np.mean(values)), float(np.std(values))


def compute_kid(inputs: genbench.MetricInputs, params: dict[str, Any]) -> dict[str, float]:
    mean, std = kid(
        inputs.real_features,
        inputs.fake_features,
        params["subsets"],
        params["subset_size"],
        params["seed"],
    )
    return {"kid": mean, "kid_std": std}
