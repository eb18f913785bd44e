"""k-means (Lloyd's algorithm with k-means++ seeding) in torch, on the features' device.

PRD clusters the union of 2N feature vectors ten times per evaluation; in torch this runs on
the GPU next to the features and draws from its own seeded generator, so clusterings are
reproducible without touching the global RNG.
"""

from __future__ import annotations

import torch

from .knn import nearest

MAX_ITERATIONS = 100


def kmeans_labels(
    points: torch.Tensor,
    clusters: int,
    generator: torch.Generator,
    iterations: int = MAX_ITERATIONS,
) -> torch.Tensor:
    """The cluster index of every point after Lloyd's iterations converge (or stop)."""
    points = points.reshape(len(points), -1).float()
    centres = _kmeans_plus_plus(points, clusters, generator)
    labels = nearest(points, centres)[1]
    for _ in range(iterations):
        centres = _means(points, labels, centres)
        updated = nearest(points, centres)[1]
        if torch.equal(updated, labels):
            break
        labels = updated
    return labels


def _kmeans_plus_plus(
    points: torch.Tensor, clusters: int, generator: torch.Generator
) -> torch.Tensor:
    """Arthur & Vassilvitskii's seeding: each next centre drawn with probability proportional
    to the squared distance to the nearest centre so far."""
    first = torch.randint(len(points), (1,), generator=generator)
    centres = points[first.to(points.device)]
    for _ in range(1, clusters):
        squared = nearest(points, centres)[0].double().square().cpu()
        if squared.sum() == 0:
            chosen = torch.randint(len(points), (1,), generator=generator)
        else:
            chosen = torch.multinomial(squared, 1, generator=generator)
        centres = torch.cat([centres, points[chosen.to(points.device)]])
    return centres


def _means(points: torch.Tensor, labels: torch.Tensor, previous: torch.Tensor) -> torch.Tensor:
    """Each cluster's mean; an emptied cluster keeps its previous centre."""
    sums = torch.zeros_like(previous).index_add_(0, labels, points)
    counts = torch.bincount(labels, minlength=len(previous)).to(points.dtype)[:, None]
    return torch.where(counts > 0, sums / counts.clamp_min(1), previous)
