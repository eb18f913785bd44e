"""Which samples lie in which k-NN balls: the one pass over real x generated distances that
precision, recall, density and coverage are all counted from.

Each comparison is exact (decided in float64 where float32 cannot decide it, see `knn`), so
the counts equal a float64 reference implementation's, and a ball's boundary counts as inside.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

import genbench

from .knn import CHUNK_ROWS, PairGeometry, exact_within, knn_radii


@dataclass(frozen=True)
class BallHits:
    """Counts between balls around `centres` and another sample set `others`.

    `per_other[j]`: how many centres' balls contain others[j];
    `per_centre[i]`: whether centres[i]'s ball contains some of `others`;
    `centre_inside[i]`: whether centres[i] lies in some ball around `others` (None when the
    others' radii were not given).
    """

    per_other: torch.Tensor
    per_centre: torch.Tensor
    centre_inside: torch.Tensor | None


def ball_hits(
    centres: torch.Tensor,
    radii: torch.Tensor,
    others: torch.Tensor,
    other_radii: torch.Tensor | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> BallHits:
    """Count, from distances computed once, the memberships between the two sets' balls."""
    geometry = PairGeometry.of(centres, others)
    device = geometry.centred_points.device
    radii = radii.to(device, torch.float64)
    per_other = torch.zeros(len(others), dtype=torch.int64, device=device)
    per_centre, centre_inside = [], []
    if other_radii is not None:
        other_radii = other_radii.to(device, torch.float64)[None, :]
        other_margin = geometry.column_margin()[None, :]
    for start in range(0, len(centres), chunk_rows):
        rows = slice(start, min(start + chunk_rows, len(centres)))
        block = geometry.squared(rows)
        inside = exact_within(
            geometry, rows, block, radii[rows, None], geometry.row_margin(rows)[:, None]
        )
        # Balls hold few samples each: counting the hits is quicker than summing the block.
        per_other += torch.bincount(inside.nonzero(as_tuple=True)[1], minlength=len(others))
        per_centre.append(inside.any(dim=1))
        if other_radii is not None:
            covered = exact_within(geometry, rows, block, other_radii, other_margin)
            centre_inside.append(covered.any(dim=1))
    return BallHits(
        per_other=per_other,
        per_centre=torch.cat(per_centre),
        centre_inside=torch.cat(centre_inside) if other_radii is not None else None,
    )


def shared_ball_hits(inputs: genbench.MetricInputs, k: int, generated_radii: bool) -> BallHits:
    """The real balls x generated samples pass for these inputs, done once whichever k-NN
    metric asks first: precision-recall needs the generated set's radii as well (recall), and
    density-coverage reuses that pass. The real radii are the same for every run of a sweep,
    so they are kept in the evaluator's `reference_shared`."""
    for key in (("ball_hits", k, True), ("ball_hits", k, generated_radii)):
        if key in inputs.shared:
            return inputs.shared[key]
    radii_key = ("knn_radii", k)
    if radii_key not in inputs.reference_shared:
        inputs.reference_shared[radii_key] = knn_radii(inputs.real_features, k)
    hits = ball_hits(
        inputs.real_features,
        inputs.reference_shared[radii_key],
        inputs.fake_features,
        knn_radii(inputs.fake_features, k) if generated_radii else None,
    )
    inputs.shared["ball_hits", k, generated_radii] = hits
    return hits
