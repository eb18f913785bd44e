"""The metric contract: two sample sets (and their features) in, named numbers out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torch

from genbench.data import LoadedData
from genbench.params import Param


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
class MetricInputs:
    """Real and generated samples with their features (N, D), on one device."""

    real_features: torch.Tensor
    fake_features: torch.Tensor
    real_samples: torch.Tensor
    fake_samples: torch.Tensor
    data: LoadedData


@dataclass(frozen=True)
class Metric:
    """A registered metric; `compute` returns a value for each of its `columns`' keys."""

    name: str
    description: str
    columns: tuple[Column, ...]
    compute: Callable[[MetricInputs, dict[str, Any]], dict[str, float]]
    params: tuple[Param, ...] = ()
