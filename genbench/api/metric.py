"""The metric contract: two sample sets (and their features) in, named numbers out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from genbench.api.data import LoadedData
from genbench.api.params import Param
from genbench.api.statistics import FeatureStatistics, feature_statistics

if TYPE_CHECKING:
    import torch


@dataclass(frozen=True)
class Column:
    """One number a metric reports, and how the comparison table shows it.

    `higher_is_better` decides which entry is marked best; None marks none.
    """

    key: str
    label: str
    higher_is_better: bool | None
    digits: int = 3


@dataclass(frozen=True)
class Curve:
    """A curve a metric reports besides its numbers (e.g. a PRD curve), saved in the run's
    record and drawn once per benchmark with every entry's curve; `x` and `y` have equal
    length."""

    x: tuple[float, ...]
    y: tuple[float, ...]
    x_label: str
    y_label: str


@dataclass(frozen=True)
class MetricInputs:
    """Real and generated samples with their features (N, D), on one device.

    Metrics that need the same costly work (e.g. k-NN balls) keep it in `shared`, a store for
    these inputs only, keyed by what was computed and with which parameters; work on the real
    set alone goes in `reference_shared`, which an evaluator keeps for every evaluation against
    the same reference set, so a sweep computes it once instead of once per run.

    `trial_of` is set only in the evaluator's trial before training, a small real-vs-real
    split: it is the number of samples per set the real evaluations will use, so a metric that
    needs a minimum count (KID's subset size) refuses too few before anything trains, and runs
    the trial on the few samples given.

    `real_statistics` is set when the real set was given only as its Gaussian fit (a paper's
    .npz): then `real_features` and `real_samples` are empty, and only metrics registered with
    `from_statistics` are asked, which read the fit through `real_fit()`.
    """

    real_features: torch.Tensor
    fake_features: torch.Tensor
    real_samples: torch.Tensor
    fake_samples: torch.Tensor
    data: LoadedData
    shared: dict[Any, Any] = field(default_factory=dict)
    reference_shared: dict[Any, Any] = field(default_factory=dict)
    trial_of: int | None = None
    real_statistics: FeatureStatistics | None = None
    real_labels: torch.Tensor | None = None
    fake_labels: torch.Tensor | None = None

    def real_fit(self) -> FeatureStatistics:
        """The real features' mean and covariance: the given statistics, else computed once
        per reference set and shared by every metric that asks."""
        if self.real_statistics is not None:
            return self.real_statistics
        key = ("feature_statistics",)
        if key not in self.reference_shared:
            self.reference_shared[key] = feature_statistics(self.real_features)
        fit: FeatureStatistics = self.reference_shared[key]
        return fit


@dataclass(frozen=True)
class Metric:
    """A registered metric; `compute` returns a float for each of its `columns`' keys and may
    add `Curve`s under other keys.

    `from_statistics` says that it reads the real set only through `MetricInputs.real_fit()`
    (FID does), so it can score against reference statistics from a file instead of samples.
    `features_only` says that it reads features, never `real_samples` or `fake_samples`, so
    `genbench eval` may stream image folders past it instead of holding them in memory (it
    then passes empty sample tensors); leave it False when in doubt. `conditional` says it
    scores a conditional model's samples by their requested classes (`fake_labels`): a
    benchmark refuses it, before training, for an entry that is not conditional.
    """

    name: str
    description: str
    columns: tuple[Column, ...]
    compute: Callable[[MetricInputs, dict[str, Any]], dict[str, float | Curve]]
    params: tuple[Param, ...] = ()
    from_statistics: bool = False
    features_only: bool = False
    conditional: bool = False
