"""Improved precision and recall (Kynkäänniemi et al. 2019).

Each set's manifold is the union of balls around its points, each ball reaching the point's
k-th nearest neighbour. Precision asks how much of the generated set lies on the real
manifold (sample quality); recall asks how much of the real set lies on the generated manifold
(coverage). Swapping the two sets swaps the meanings, a mistake other libraries' users make,
hence the explicit `real` / `fake` names throughout.
"""

from __future__ import annotations

from typing import Any

import torch

import genbench
from genbench.api import UserError

from .balls import BallHits, ball_hits, shared_ball_hits
from .knn import knn_radii


def manifold_membership(
    queries: torch.Tensor, points: torch.Tensor, radii: torch.Tensor
) -> torch.Tensor:
    """Whether each query lies within `radii[j]` of some `points[j]` (a bool per query)."""
    return ball_hits(points, radii, queries).per_other > 0


def check_k(metric: str, k: int, real: torch.Tensor, fake: torch.Tensor) -> None:
    """A k the sets are too small for is the user's choice, so a UserError naming the metric."""
    smallest = min(len(real), len(fake))
    if not 1 <= k < smallest:
        raise UserError(
            f"{metric}: k must be between 1 and {smallest - 1} for "
            f"{len(real)} real and {len(fake)} generated samples, got k={k}"
        )


def precision_recall(real: torch.Tensor, fake: torch.Tensor, k: int = 3) -> tuple[float, float]:
    """(precision, recall) of the generated features `fake` against the real features `real`,
    counted from a single pass over the real x generated distances."""
    check_k("precision-recall", k, real, fake)
    return _rates(ball_hits(real, knn_radii(real, k), fake, knn_radii(fake, k)))


def _rates(hits: BallHits) -> tuple[float, float]:
    if hits.centre_inside is None:
        raise ValueError("recall needs the balls around the generated features")
    precision = int((hits.per_other > 0).sum()) / len(hits.per_other)
    recall = int(hits.centre_inside.sum()) / len(hits.per_centre)
    return precision, recall


def compute_precision_recall(
    inputs: genbench.MetricInputs, params: dict[str, Any]
) -> dict[str, float]:
    check_k("precision-recall", params["k"], inputs.real_features, inputs.fake_features)
    precision, recall = _rates(shared_ball_hits(inputs, params["k"], generated_radii=True))
    return {"precision": precision, "recall": recall}
