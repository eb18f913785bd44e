"""FID at infinitely many samples (Chong & Forsyth 2020, "Effectively Unbiased FID and
Inception Score and where to find them").

FID from N generated samples is biased upward by a term that shrinks as 1/N, and the bias
depends on the generator, so two models scored at the same N can swap ranks at another N.
FID-infinity fits FID against 1/N over subsets of the generated set (the authors: 15 sizes
from a tenth of the set to all of it, each a fresh random subset) and reads the line at
1/N = 0. The real set enters through its fit alone, as in the authors' code.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

import genbench
from genbench.api import FeatureStatistics, UserError, feature_statistics

from .fid import frechet_distance


def subset_sizes(total: int, points: int, smallest: float) -> np.ndarray:
    """`points` sizes evenly spaced from `smallest` of the set (at least 2 samples) to all."""
    low = max(2, int(total * smallest))
    sizes = np.unique(np.linspace(low, total, points).astype(np.int64))
    if len(sizes) < 2:
        raise UserError(
            f"metric 'fid-infinity' needs subsets of at least 2 sizes, but {total} generated "
            f"samples give only {sizes.tolist()}; raise [evaluation] samples"
        )
    return sizes


def fid_infinity(
    real: FeatureStatistics, fake_features: torch.Tensor, sizes: np.ndarray, seed: int
) -> tuple[float, list[float]]:
    """The intercept at 1/N = 0 of the least-squares line through (1/N, FID_N), and the
    FIDs it was fitted on."""
    generator = torch.Generator().manual_seed(seed)
    fids = []
    for size in sizes:
        order = torch.randperm(len(fake_features), generator=generator)[: int(size)]
        subset = fake_features[order.to(fake_features.device)]
        fids.append(frechet_distance(real, feature_statistics(subset)))
    _, intercept = np.polyfit(1.0 / sizes, np.asarray(fids), deg=1)
    return float(intercept), fids


def compute_fid_infinity(
    inputs: genbench.MetricInputs, params: dict[str, Any]
) -> dict[str, float | genbench.Curve]:
    sizes = subset_sizes(len(inputs.fake_features), params["points"], params["smallest"])
    value, fids = fid_infinity(inputs.real_fit(), inputs.fake_features, sizes, params["seed"])
    curve = genbench.Curve(
        x=tuple(float(1.0 / size) for size in sizes),
        y=tuple(fids),
        x_label="1 / generated samples",
        y_label="FID",
    )
    return {"fid_infinity": value, "fid_by_samples": curve}
