"""The bounds a new trial is pruned by, from the trials of its entry finished before it.

`median` (Optuna's median rule): from the second point of the `[evaluation] every` timeline
on, a trial stops where its value is worse than the median of the finished trials' values at
that point. `halving` (asynchronous successive halving, Li et al. 2020, with reduction factor
3): at points 2, 6, 18, ... a trial stops unless it is in the best third of the trials that
reached that point. Neither prunes before `prune_after` trials of the entry have finished.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence

from genbench.api.record import RunRecord
from genbench.spec.searching import PruneBounds, SearchSpec

FIRST_RUNG = 2
REDUCTION = 3


def prune_bounds(search: SearchSpec, finished: Sequence[RunRecord]) -> PruneBounds | None:
    """The bounds of the next trial of an entry whose `finished` trials are these; None when
    the search does not prune or too few trials have finished."""
    if search.prune == "none" or len(finished) < search.prune_after:
        return None
    rows = [_values(record, search.metric) for record in finished]
    longest = max((len(row) for row in rows), default=0)
    points, bounds = [], []
    for point in _points(search.prune, longest):
        if search.prune == "median":
            reached = [row[point - 1] for row in _completed(finished, rows) if len(row) >= point]
        else:
            reached = [row[point - 1] for row in rows if len(row) >= point]
        known = [v for v in reached if v is not None]
        if not known:
            continue
        points.append(point)
        bounds.append(_bound(search, known))
    if not points:
        return None
    return PruneBounds(search.metric, search.higher_is_better, tuple(points), tuple(bounds))


def _points(rule: str, longest: int) -> list[int]:
    if rule == "median":
        return list(range(FIRST_RUNG, longest + 1))
    rungs, point = [], FIRST_RUNG
    while point <= longest:
        rungs.append(point)
        point *= REDUCTION
    return rungs


def _bound(search: SearchSpec, known: list[float]) -> float:
    if search.prune == "median":
        return float(statistics.median(known))
    ranked = sorted(known, reverse=search.higher_is_better)
    return float(ranked[max(0, math.ceil(len(ranked) / REDUCTION) - 1)])


def _values(record: RunRecord, metric: str) -> list[float | None]:
    """A trial's values of `metric` at its timeline points (None where it had none)."""
    if record.timeline is None:
        return []
    return [
        v if v is not None and math.isfinite(v) else None
        for v in record.timeline.values.get(metric, [])
    ]


def _completed(
    finished: Sequence[RunRecord], rows: list[list[float | None]]
) -> list[list[float | None]]:
    """The median rule compares with the trials that ran their whole budget."""
    return [row for record, row in zip(finished, rows, strict=True) if record.status == "ok"]
