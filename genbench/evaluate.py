"""Evaluation: generated samples -> features -> metrics, batched and without gradients.

The real reference set and its features are computed once per sweep and shared by every run,
so runs differ only in their generated samples.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch

from genbench.data import LoadedData
from genbench.features import Extractor
from genbench.metric import Curve, Metric, MetricInputs

REFERENCE_SEED = 0


@dataclass(frozen=True)
class MetricRequest:
    """A metric with its validated parameters."""

    metric: Metric
    params: dict[str, Any]


@dataclass(frozen=True)
class Scores:
    """Every metric's numbers, and the curves some metrics add."""

    values: dict[str, float]
    curves: dict[str, Curve]


@torch.no_grad()
def extract_features(extractor: Extractor, samples: torch.Tensor, batch_size: int) -> torch.Tensor:
    """Features of `samples` computed `batch_size` at a time."""
    chunks = [extractor(samples[i : i + batch_size]) for i in range(0, len(samples), batch_size)]
    return torch.cat(chunks).float()


class Evaluator:
    """Scores generators against a fixed real reference set of `samples` training examples."""

    def __init__(
        self,
        data: LoadedData,
        extractor: Extractor,
        metrics: list[MetricRequest],
        samples: int,
        batch_size: int,
    ) -> None:
        self.data = data
        self.extractor = extractor
        self.metrics = metrics
        self.batch_size = batch_size
        generator = torch.Generator().manual_seed(REFERENCE_SEED)
        count = min(samples, len(data.train))
        index = torch.randperm(len(data.train), generator=generator)[:count]
        self.real_samples = data.train[index.to(data.train.device)]
        self._real_features: torch.Tensor | None = None

    @property
    def samples(self) -> int:
        return len(self.real_samples)

    @property
    def real_features(self) -> torch.Tensor:
        if self._real_features is None:
            self._real_features = extract_features(
                self.extractor, self.real_samples, self.batch_size
            )
        return self._real_features

    def score(self, fake_samples: torch.Tensor) -> Scores:
        """Every metric's values for `fake_samples` (as many as the reference set)."""
        return self._compute(self.real_samples, self.real_features, fake_samples)

    def preflight(self) -> None:
        """Run every metric on a small real-vs-real split, so an extractor or metric that
        cannot handle this dataset fails before any training instead of after it."""
        half = min(256, self.samples // 2)
        real, fake = self.real_samples[:half], self.real_samples[half : 2 * half]
        self._compute(real, extract_features(self.extractor, real, self.batch_size), fake)

    def _compute(
        self, real_samples: torch.Tensor, real_features: torch.Tensor, fake_samples: torch.Tensor
    ) -> Scores:
        inputs = MetricInputs(
            real_features=real_features,
            fake_features=extract_features(self.extractor, fake_samples, self.batch_size),
            real_samples=real_samples,
            fake_samples=fake_samples,
            data=self.data,
        )
        values: dict[str, float] = {}
        curves: dict[str, Curve] = {}
        for request in self.metrics:
            for key, value in request.metric.compute(inputs, request.params).items():
                if isinstance(value, Curve):
                    curves[key] = value
                else:
                    values[key] = float(value)
        return Scores(values, curves)
