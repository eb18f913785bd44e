"""Mode coverage on 2-D Gaussian mixtures, the protocol of PacGAN (Lin et al. 2018).

A generated sample is high quality when it lies within `sigmas` standard deviations of its
nearest mode; a mode is covered when at least one high-quality sample is assigned to it. The
reverse KL, KL(generated || real) between the two histograms over modes, punishes a generator
that piles its good samples onto a few modes even when it touches them all.

None of these alone ranks generators: a generator on one mode scores the best high quality, one
that sprays samples everywhere covers every mode. The mode total variation does: the total
variation distance between the generated and the real distributions over the modes and an
"off every mode" bin, 0 for a perfect generator and 0.989 (the real share near the modes,
in 2-D at 3 sigma) for one with no sample near a mode. The
real share off the modes is analytic: a sample of a d-dimensional isotropic Gaussian lies
beyond `sigmas` standard deviations with probability 1 - chi2_d(sigmas^2) (e^{-9/2}, 1.1 %,
in 2-D at 3 sigma; the modes are far enough apart that their tails do not overlap).
"""

from __future__ import annotations

import math
from typing import Any

import torch
from scipy.stats import chi2

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
    """Modes covered, share of high-quality samples, reverse KL of the mode histograms and the
    mode total variation.

    `real_weights` is the real data's mass per mode (uniform when None). With no high-quality
    sample the generated histogram is undefined, and so the reverse KL is NaN.
    """
    distances, assigned = nearest(samples, modes)
    good = distances <= sigmas * sigma
    counts = torch.bincount(assigned[good], minlength=len(modes)).double()
    real = torch.ones_like(counts) if real_weights is None else real_weights.to(counts)
    real = real / real.sum()
    return {
        "modes": float((counts > 0).sum()),
        "high_quality": float(good.double().mean()),
        "reverse_kl": _kl(counts, real),
        "mode_tv": _total_variation(counts, len(samples), real, sigmas, samples.shape[1]),
    }


def _total_variation(
    counts: torch.Tensor, total: int, real: torch.Tensor, sigmas: float, dims: int
) -> float:
    """TV between the generated and the real distributions over the modes and off them."""
    within = float(chi2.cdf(sigmas**2, dims))
    generated = counts / max(total, 1)
    on_modes = (generated - real * within).abs().sum()
    off_modes = abs((1.0 - float(generated.sum())) - (1.0 - within))
    return 0.5 * (float(on_modes) + off_modes)


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
