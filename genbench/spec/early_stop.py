"""An entry's `prune` key: stop a run whose score on the training clock falls behind.

A search writes it into each trial it asks for (see `genbench.search.pruning`), from the
trials of the same entry finished by then; the run then stops at the first point of its
`[evaluation] every` timeline where `metric` is worse than that point's bound, and is recorded
as `pruned`, its compute spent and counted. The bounds are fixed when the trial is asked, so a
trial's configuration, hash and fate do not depend on which other trials finish while it runs.
"""

from __future__ import annotations

from typing import Any

from genbench.errors import short_repr
from genbench.spec.benchmark import EvaluationSpec
from genbench.spec.checker import SpecChecker
from genbench.spec.evaluation_table import metric_columns
from genbench.spec.searching import PruneBounds

PRUNE = "prune"


def check_prune(
    checker: SpecChecker, given: Any, key: str, evaluation: EvaluationSpec
) -> PruneBounds:
    """An entry's `prune` table: { metric = "fid", points = [2, 3], bounds = [80.0, 60.0] }."""
    if not isinstance(given, dict) or set(given) != {"metric", "points", "bounds"}:
        example = '{ metric = "fid", points = [2, 3], bounds = [80.0, 60.0] }'
        raise checker.error(key, f"expected a table {example}")
    if evaluation.every is None:
        message = "prunes on the [evaluation] every timeline; set every (e.g. '500 steps')"
        raise checker.error(key, message)
    columns = metric_columns(checker, evaluation)
    metric = given["metric"]
    if metric not in columns or columns[metric].higher_is_better is None:
        wanted = [k for k, column in columns.items() if column.higher_is_better is not None]
        message = f"{short_repr(metric)} is no ranked column of the metrics; use one of {wanted}"
        raise checker.error(f"{key}.metric", message)
    points, bounds = given["points"], given["bounds"]
    if not isinstance(points, list) or not all(
        isinstance(p, int) and not isinstance(p, bool) and p >= 1 for p in points
    ):
        raise checker.error(f"{key}.points", "expected a list of point numbers from 1")
    if points != sorted(set(points)):
        raise checker.error(f"{key}.points", "expected increasing point numbers")
    if not isinstance(bounds, list) or len(bounds) != len(points):
        raise checker.error(f"{key}.bounds", "expected one number per point")
    if not all(isinstance(b, int | float) and not isinstance(b, bool) for b in bounds):
        raise checker.error(f"{key}.bounds", "expected numbers")
    higher = bool(columns[metric].higher_is_better)
    return PruneBounds(metric, higher, tuple(points), tuple(float(b) for b in bounds))
