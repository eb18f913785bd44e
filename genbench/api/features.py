"""The feature-extractor contract: images or points in, one feature vector per sample out.

Metrics compare feature sets, so the extractor that made them is part of every result: FIDs
from different extractors are not comparable.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from genbench.api.data import LoadedData
from genbench.api.params import Param

if TYPE_CHECKING:
    import torch


class Extractor(Protocol):
    """A ready extractor: call it on a batch, read `info` into the run record."""

    info: dict[str, Any]

    def __call__(self, batch: torch.Tensor) -> torch.Tensor:
        """Features (B, D) float32 for a batch in the dataset's layout and value range."""
        ...


@dataclass(frozen=True)
class ExtractorRequest:
    """What a factory gets: its parameters, the dataset (to train on, if it must) and where
    it may cache what it builds."""

    params: dict[str, Any]
    data: LoadedData
    device: torch.device
    cache_dir: Path


@dataclass(frozen=True)
class FeatureExtractor:
    """A registered feature extractor; `build` may train or load weights, once per sweep.

    `trains_on` names the dataset an extractor that learns from data is built on when it
    compares two sets outside a benchmark (`genbench eval`), e.g. "mnist" for a digit
    classifier; None builds it on the real set.
    """

    name: str
    description: str
    build: Callable[[ExtractorRequest], Extractor]
    params: tuple[Param, ...] = ()
    trains_on: str | None = None
