"""The validated `[search]` table and an entry's prune bounds as dataclasses (the checks are
`genbench.spec.search_table`'s and `genbench.spec.early_stop`'s): what a spec holds, kept free
of the checks so that `genbench.spec.benchmark` can hold them."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

TRIAL_SEED_BASE = 1000


@dataclass(frozen=True)
class Dimension:
    """One searched parameter: `path` into the model's parameters (`lr_g`, `penalties.r1`,
    `betas[0]`), `kind` (log_uniform, uniform, int, log_int, choice), `values` the range's
    ends or the choices: what a check of the space tries on each entry."""

    path: str
    kind: str
    values: tuple[Any, ...]


@dataclass(frozen=True)
class SearchSpec:
    """The validated `[search]` table. `spaces` holds each entry's dimensions (the shared
    ones its family takes, then its own `search_space`); `own_space` names the entries with
    a space of their own."""

    trials: int
    sampler: str
    metric: str
    higher_is_better: bool
    prune: str
    prune_after: int
    seed: int
    spaces: dict[str, tuple[Dimension, ...]] = field(default_factory=dict)
    own_space: tuple[str, ...] = ()

    def trial_seed(self, number: int) -> int:
        """The seed trial `number` trains with: apart from the benchmark's seeds, so the runs
        that score the chosen settings are not the ones they were chosen on."""
        return TRIAL_SEED_BASE + number


@dataclass(frozen=True)
class PruneBounds:
    """At timeline point `points[i]` (counted from 1) a value of `metric` worse than
    `bounds[i]` stops the run."""

    metric: str
    higher_is_better: bool
    points: tuple[int, ...]
    bounds: tuple[float, ...]

    def verdict(self, point: int, value: float | None) -> str | None:
        """Why the run stops at `point` with `value` (None or NaN: no score, worse than any),
        or None to go on."""
        if point not in self.points:
            return None
        bound = self.bounds[self.points.index(point)]
        if value is not None and math.isfinite(value):
            behind = value < bound if self.higher_is_better else value > bound
            if not behind:
                return None
            shown = f"{value:.4g}"
        else:
            shown = "no value"
        return f"{self.metric} {shown} at point {point} is worse than the bound {bound:.4g}"

    def to_table(self) -> dict[str, Any]:
        return {"metric": self.metric, "points": list(self.points), "bounds": list(self.bounds)}
