"""Density and coverage (Naeem et al. 2020).

Precision and recall count a sample as soon as one ball holds it, so a few real outliers with
huge balls inflate them. Density counts how many real balls hold each generated sample
(divided by k, so about 1 when both sets come from one distribution, and above 1 where the
generator crowds dense regions); coverage asks how many real balls hold at least one generated
sample, and so needs only the real set's balls, which outliers in the generated set cannot
inflate.
"""

from __future__ import annotations

from typing import Any

import torch

import genbench

from .balls import BallHits, ball_hits, shared_ball_hits
from .knn import knn_radii
from .precision_recall import check_k


def density_coverage(real: torch.Tensor, fake: torch.Tensor, k: int = 3) -> tuple[float, float]:
    """(density, coverage) of the generated features `fake` against the real features `real`."""
    check_k("density-coverage", k, real, fake)
    return _rates(ball_hits(real, knn_radii(real, k), fake), k)


def _rates(hits: BallHits, k: int) -> tuple[float, float]:
    density = int(hits.per_other.sum()) / (k * len(hits.per_other))
    coverage = int(hits.per_centre.sum()) / len(hits.per_centre)
    return density, coverage


def compute_density_coverage(
    inputs: genbench.MetricInputs, params: dict[str, Any]
) -> dict[str, float]:
    k = params["k"]
    check_k("density-coverage", k, inputs.real_features, inputs.fake_features)
    density, coverage = _rates(shared_ball_hits(inputs, k, generated_radii=False), k)
    return {"density": density, "coverage": coverage}
