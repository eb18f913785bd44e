"""Mode coverage on 2-D Gaussian mixtures, the protocol of PacGAN (Lin et al. 2018).

A generated sample is high quality when it lies within `sigmas` standard deviations of its
nearest mode; a mode is covered when at least one high-quality sample is assigned to it. The
reverse KL, KL(generated || real) between the two histograms over modes, punishes a generator
that piles its good samples onto a few modes even when it touches them all.
"""

from __future__ import annotations

import math
from typing import Any

import torch

import genbench
from genbench.api import UserError

from .knn import nearest

KL_EPSILON = 1e-12


def mode_statistics(
    samples: torch.Tensor,
    modes: torch.Tensor,
    sigma: float,
    sigmas: float = 3.0,
    real_weights: torch.Tensor | None = None,
) -> dict[str, float]:
    """Modes covered, share of high-quality samples and reverse KL of the mode histograms.

    `real_weights` is the real data's mass per mode (uniform when None). With no high-quality
    sample the generated histogram is undefined, and so the reverse KL is NaN.
    """
    distances, assigned = nearest(samples, modes)
    good = distances <= sigmas * sigma
    counts = torch.bincount(assigned[good], minlength=len(modes)).double()
    real = torch.ones_like(counts) if real_weights is None else real_weights.to(counts)
    return {
        "modes": float((counts > 0).sum()),
        "high_quality": float(good.double().mean()),
        "reverse_kl": _kl(counts, real / real.sum()),
    }


def _kl(counts: torch.Tensor, real: torch.Tensor) -> float:
    """KL(counts / sum || real), with 0 log 0 = 0 and `real` floored so the value stays finite."""
    total = counts.sum()
    if total == 0:
        return math.nan
    gen = counts / total
    terms = torch.where(gen > 0, gen * (gen / real.clamp_min(KL_EPSILON)).log(), 0.0)
    return float(terms.sum())


def compute_mode_coverage(
    inputs: genbench.MetricInputs, params: dict[str, Any]
) -> dict[str, float]:
    """The `mode-coverage` metric: on raw samples, since the modes are in data coordinates."""
    info = inputs.data.info
    if "modes" not in info or "sigma" not in info:
        raise UserError(
            "mode-coverage needs a Gaussian-mixture dataset such as ring-8 or grid-25 "
            "(this dataset gives no modes and sigma)"
        )
    samples = inputs.fake_samples
    modes = torch.as_tensor(info["modes"], dtype=torch.float32, device=samples.device)
    weights = info.get("weights")
    return mode_statistics(
        samples,
        modes,
        sigma=float(info["sigma"]),
        sigmas=params["sigmas"],
        real_weights=None if weights is None else torch.as_tensor(weights),
    )
