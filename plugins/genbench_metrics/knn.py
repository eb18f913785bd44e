"""Chunked Euclidean distances, shared by the nearest-neighbour metrics.

A full N x N distance matrix for N = 10 000 feature vectors of Inception's width would not fit
comfortably in memory, so distances are produced a block of query rows at a time, in float32 on
the inputs' device, from the matmul identity |q - p|^2 = |q|^2 + |p|^2 - 2 q.p.
"""

from __future__ import annotations

from collections.abc import Iterator

import torch

CHUNK_ROWS = 1024


def distance_chunks(
    queries: torch.Tensor, points: torch.Tensor, chunk_rows: int = CHUNK_ROWS
) -> Iterator[tuple[int, torch.Tensor]]:
    """Yield `(start, D)` where `D[i, j] = |queries[start + i] - points[j]|`.

    Both sets are first shifted by the points' mean: distances do not change, but the matmul
    identity loses float32 precision when the vectors are long compared with their spread.
    """
    points = points.reshape(len(points), -1).float()
    centre = points.mean(dim=0)
    points = points - centre
    queries = queries.reshape(len(queries), -1).float().to(points.device) - centre
    points_sq = points.square().sum(dim=1)
    for start in range(0, len(queries), chunk_rows):
        block = queries[start : start + chunk_rows]
        squared = block.square().sum(dim=1, keepdim=True) + points_sq - 2.0 * block @ points.T
        yield start, squared.clamp_min_(0.0).sqrt_()


def knn_radii(points: torch.Tensor, k: int, chunk_rows: int = CHUNK_ROWS) -> torch.Tensor:
    """The distance from each point to its k-th nearest neighbour in its own set.

    The point itself is excluded by position, not by distance, so duplicated points still
    count as each other's neighbours at distance 0.
    """
    if not 1 <= k < len(points):
        raise ValueError(f"k must be between 1 and {len(points) - 1}, got {k}")
    radii = []
    for start, block in distance_chunks(points, points, chunk_rows):
        rows = torch.arange(len(block), device=block.device)
        block[rows, rows + start] = float("inf")
        radii.append(block.topk(k, dim=1, largest=False).values[:, -1])
    return torch.cat(radii)


def nearest(
    queries: torch.Tensor, points: torch.Tensor, chunk_rows: int = CHUNK_ROWS
) -> tuple[torch.Tensor, torch.Tensor]:
    """For each query, the distance to its nearest point and that point's index."""
    distances, indices = [], []
    for _, block in distance_chunks(queries, points, chunk_rows):
        found = block.min(dim=1)
        distances.append(found.values)
        indices.append(found.indices)
    return torch.cat(distances), torch.cat(indices)
