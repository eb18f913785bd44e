"""Chunked Euclidean distances, shared by the nearest-neighbour metrics.

A full N x N distance matrix for N = 10 000 feature vectors of Inception's width would not fit
comfortably in memory, so distances are produced a block of query rows at a time, in float32 on
the inputs' device, from the matmul identity |q - p|^2 = |q|^2 + |p|^2 - 2 q.p.

float32 is fast but can misorder two distances that differ in the 7th digit, and a k-NN metric
is a count of such comparisons. `PairGeometry` therefore also bounds the float32 error of every
squared distance, so that callers decide most comparisons in float32 and re-check, in float64,
only the few pairs whose float32 value lies within that bound of the threshold: exact answers
(as exact as a float64 computation) for the price of float32.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import torch

CHUNK_ROWS = 1024
CANDIDATE_SLACK = 8
EXACT_ELEMENTS = 1 << 22
UNIT_ROUNDOFF = 2.0**-24


def float32_error_bound(dim: int) -> float:
    """A relative bound e with |fl(|q - p|^2) - |q - p|^2| <= e (|q|^2 + |p|^2).

    The classical bound gamma_n = n u / (1 - n u) on a float32 dot product of length n holds
    for any summation order (blocked BLAS included); the squared distance combines three such
    products and two additions, and the float32 rounding of the centred inputs adds at most
    4 u (|q|^2 + |p|^2). Loose by design: only the pairs it cannot decide pay for float64.
    """
    n = dim + 3
    gamma = n * UNIT_ROUNDOFF / (1 - n * UNIT_ROUNDOFF)
    return 2 * gamma + 6 * UNIT_ROUNDOFF


@contextmanager
def _ieee_float32() -> Iterator[None]:
    """No TF32 or bfloat16 shortcuts inside float32 matmuls: the error bound assumes IEEE."""
    previous = torch.get_float32_matmul_precision()
    torch.set_float32_matmul_precision("highest")
    try:
        yield
    finally:
        torch.set_float32_matmul_precision(previous)


@dataclass(frozen=True)
class PairGeometry:
    """Queries and points shifted by the points' mean (distances do not change, but the matmul
    identity loses float32 precision when the vectors are long compared with their spread),
    kept in float32 for the matmul and as given for exact re-checks."""

    queries: torch.Tensor
    points: torch.Tensor
    centred_queries: torch.Tensor
    centred_points: torch.Tensor
    queries_sq: torch.Tensor
    points_sq: torch.Tensor
    relative_error: float

    @classmethod
    def of(cls, queries: torch.Tensor, points: torch.Tensor) -> PairGeometry:
        points = points.reshape(len(points), -1)
        queries = queries.reshape(len(queries), -1).to(points.device)
        # Centred in at least float32, so that each coordinate is rounded once to float32.
        working = torch.promote_types(points.dtype, torch.float32)
        centre = points.to(working).mean(dim=0)
        centred_points = (points.to(working) - centre).float()
        centred_queries = (queries.to(working) - centre).float()
        return cls(
            queries=queries,
            points=points,
            centred_queries=centred_queries,
            centred_points=centred_points,
            queries_sq=centred_queries.square().sum(dim=1),
            points_sq=centred_points.square().sum(dim=1),
            relative_error=float32_error_bound(points.shape[1]),
        )

    def squared(self, rows: slice | torch.Tensor, columns: slice = slice(None)) -> torch.Tensor:
        """float32 squared distances between queries[rows] and points[columns]."""
        with _ieee_float32():
            block = torch.addmm(
                self.points_sq[columns],
                self.centred_queries[rows],
                self.centred_points[columns].T,
                alpha=-2.0,
            )
        return block.add_(self.queries_sq[rows, None])

    def exact(self, query_index: torch.Tensor, point_index: torch.Tensor) -> torch.Tensor:
        """float64 distances of the pairs (queries[i], points[j]), from the inputs, a bounded
        number of pairs at a time. Every exact distance comes from here, so a radius and the
        same pair's distance in a membership test are the same number."""
        query_index, point_index = torch.broadcast_tensors(query_index, point_index)
        flat_queries, flat_points = query_index.flatten(), point_index.flatten()
        pairs = max(1, EXACT_ELEMENTS // self.points.shape[1])
        parts = []
        for q, p in zip(flat_queries.split(pairs), flat_points.split(pairs), strict=True):
            difference = self.queries.index_select(0, q).double()
            difference.sub_(self.points.index_select(0, p))
            parts.append(torch.linalg.vector_norm(difference, dim=1))
        return torch.cat(parts).reshape(query_index.shape)

    def row_margin(self, rows: slice) -> torch.Tensor:
        """Per query row, an error bound valid against every point (float64)."""
        largest = self.points_sq.max().double()
        return self.relative_error * (self.queries_sq[rows].double() + largest) * (1 + 1e-6)

    def column_margin(self, columns: slice = slice(None)) -> torch.Tensor:
        """Per point, an error bound valid against every query (float64)."""
        largest = self.queries_sq.max().double()
        return self.relative_error * (self.points_sq[columns].double() + largest) * (1 + 1e-6)


def exact_within(
    geometry: PairGeometry,
    rows: slice,
    block: torch.Tensor,
    radius: torch.Tensor,
    margin: torch.Tensor,
) -> torch.Tensor:
    """Exactly whether each distance in `block` (float32 squared distances of queries[rows]
    to all points) is at most `radius` (float64, broadcast against the block); only pairs
    within `margin` of the squared radius are recomputed in float64.

    The recomputed pairs are compared as distances, not squares: a radius from `knn_radii`
    is a distance, and squaring it can round below the neighbour's own squared distance.
    """
    bound_sq = radius.square()
    low = (bound_sq - margin).float().nextafter(torch.tensor(-torch.inf, device=block.device))
    high = (bound_sq + margin).float().nextafter(torch.tensor(torch.inf, device=block.device))
    inside = block <= low
    unsure = (block <= high).logical_xor_(inside)
    if unsure.any():
        i, j = unsure.nonzero(as_tuple=True)
        inside[i, j] = geometry.exact(i + rows.start, j) <= radius.expand_as(block)[i, j]
    return inside


def distance_chunks(
    queries: torch.Tensor, points: torch.Tensor, chunk_rows: int = CHUNK_ROWS
) -> Iterator[tuple[int, torch.Tensor]]:
    """Yield `(start, D)` where `D[i, j] = |queries[start + i] - points[j]|`, in float32."""
    geometry = PairGeometry.of(queries, points)
    for start in range(0, len(queries), chunk_rows):
        yield start, geometry.squared(slice(start, start + chunk_rows)).clamp_min_(0.0).sqrt_()


def nearest(
    queries: torch.Tensor, points: torch.Tensor, chunk_rows: int = CHUNK_ROWS
) -> tuple[torch.Tensor, torch.Tensor]:
    """For each query, the (float32) distance to its nearest point and that point's index."""
    distances, indices = [], []
    for _, block in distance_chunks(queries, points, chunk_rows):
        found = block.min(dim=1)
        distances.append(found.values)
        indices.append(found.indices)
    return torch.cat(distances), torch.cat(indices)


def knn_radii(points: torch.Tensor, k: int, chunk_rows: int = CHUNK_ROWS) -> torch.Tensor:
    """The exact (float64) distance from each point to its k-th nearest neighbour in its own set.

    The point itself is excluded by position, not by distance, so duplicated points still
    count as each other's neighbours at distance 0. float32 distances nominate k + slack
    candidates per point and only those float32 cannot order are recomputed in float64; a
    point whose nominees might miss a true neighbour (by the error bound) is redone against
    every point.
    """
    count = len(points)
    if not 1 <= k < count:
        raise ValueError(f"k must be between 1 and {count - 1}, got {k}")
    geometry = PairGeometry.of(points, points)
    width = min(k + CANDIDATE_SLACK, count - 1)
    values, index = _candidates(geometry, width, chunk_rows)
    margin = 2 * geometry.row_margin(slice(None))
    radii = _exact_kth(geometry, values, index, k, margin)
    doubtful = radii.isnan().nonzero().flatten()
    for rows in doubtful.split(chunk_rows):
        radii[rows] = _exact_kth_against_all(geometry, rows, k, margin[rows])
    return radii


def _exact_kth(
    geometry: PairGeometry,
    values: torch.Tensor,
    index: torch.Tensor,
    k: int,
    margin: torch.Tensor,
) -> torch.Tensor:
    """The exact k-th smallest distance of each point, from its sorted float32 candidates
    (squared distances), recomputing only the candidates float32 cannot order.

    Two candidates whose float32 values differ by more than `margin` (twice the error bound)
    are in the right order. So the candidates before the last such gap ahead of position k
    are certainly nearer than the k-th, and those after the first such gap from position k on
    (and every non-candidate) certainly farther: only the window between is recomputed. A
    point with no gap after position k among its candidates gets NaN, for the caller.
    """
    count, width = values.shape
    gaps = values.diff(dim=1).double() > margin[:, None]
    positions = torch.arange(width, device=values.device)
    edge = positions[:1].expand(count, 1)
    before = torch.cat([edge, torch.where(gaps[:, : k - 1], positions[1:k], 0)], dim=1)
    before = before.amax(dim=1)
    after = torch.cat([torch.where(gaps[:, k - 1 :], positions[k:], width), edge + width], dim=1)
    after = after.amin(dim=1)
    window = (positions >= before[:, None]) & (positions < after[:, None])
    exact = torch.where(positions < before[:, None], -torch.inf, torch.inf).double()
    rows, columns = window.nonzero(as_tuple=True)
    exact[rows, columns] = geometry.exact(rows, index[rows, columns])
    kth = exact.kthvalue(k, dim=1).values
    if width < count - 1:
        kth[after == width] = torch.nan
    return kth


def _exact_kth_against_all(
    geometry: PairGeometry, rows: torch.Tensor, k: int, margin: torch.Tensor
) -> torch.Tensor:
    """The exact k-th smallest distance from points[rows] to every other point: float32
    against all points, then float64 for every point within `margin` of the float32 k-th
    (any farther one is certainly beyond the k nearest)."""
    block = geometry.squared(rows)
    block[torch.arange(len(rows), device=rows.device), rows] = torch.inf
    reach = block.kthvalue(k, dim=1).values.double() + margin
    near = block.double() <= reach[:, None]
    exact = torch.full(block.shape, torch.inf, dtype=torch.float64, device=block.device)
    i, j = near.nonzero(as_tuple=True)
    exact[i, j] = geometry.exact(rows[i], j)
    return exact.kthvalue(k, dim=1).values


def _candidates(
    geometry: PairGeometry, width: int, chunk_rows: int
) -> tuple[torch.Tensor, torch.Tensor]:
    """The `width` nearest other points of each point by float32 distance, sorted.

    The distance matrix is symmetric, so each block of rows is computed only against itself
    and the later points; its transpose feeds the later points' candidates.
    """
    count = len(geometry.points)
    device = geometry.centred_points.device
    values = torch.full((count, width), torch.inf, device=device)
    index = torch.zeros((count, width), dtype=torch.int64, device=device)
    for start in range(0, count, chunk_rows):
        stop = min(start + chunk_rows, count)
        block = geometry.squared(slice(start, stop), slice(start, None))
        diagonal = torch.arange(stop - start, device=device)
        block[diagonal, diagonal] = torch.inf
        found = block.topk(min(width, block.shape[1]), dim=1, largest=False)
        _merge(values, index, slice(start, stop), found.values, found.indices + start)
        if stop < count:
            found = block[:, stop - start :].topk(min(width, stop - start), dim=0, largest=False)
            _merge(values, index, slice(stop, None), found.values.T, found.indices.T + start)
    return values, index


def _merge(
    values: torch.Tensor,
    index: torch.Tensor,
    rows: slice,
    new_values: torch.Tensor,
    new_index: torch.Tensor,
) -> None:
    """Keep, for `rows`, the smallest of the current and the new candidates."""
    merged = torch.cat([values[rows], new_values], dim=1)
    best = merged.topk(values.shape[1], dim=1, largest=False, sorted=True)
    values[rows] = best.values
    index[rows] = torch.cat([index[rows], new_index], dim=1).gather(1, best.indices)
