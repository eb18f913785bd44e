"""Evaluation: generated samples -> features -> metrics, batched and without gradients.

The real reference set is drawn once per sweep and shared by every run, so runs differ only
in their generated samples; its features are computed once per sweep, or, given a
`ReferenceCache`, once for every sweep that asks for the same ones.
"""

from __future__ import annotations

import dataclasses
import numbers
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import torch

from genbench.api.data import LoadedData
from genbench.api.features import Extractor
from genbench.api.metric import Curve, Metric, MetricInputs
from genbench.errors import PluginError, UserError
from genbench.eval.reference import ReferenceCache

REFERENCE_SEED = 0


@dataclass(frozen=True)
class MetricRequest:
    """A metric with its validated parameters and the plugin that registered it (named when
    the metric breaks its contract)."""

    metric: Metric
    params: dict[str, Any]
    plugin: str = "unknown"


@dataclass(frozen=True)
class Scores:
    """Every metric's numbers, and the curves some metrics add."""

    values: dict[str, float]
    curves: dict[str, Curve]


def extract_features(extractor: Extractor, samples: torch.Tensor, batch_size: int) -> torch.Tensor:
    """Features of `samples` computed `batch_size` at a time."""
    return extract_batches(extractor, samples.split(batch_size))


@torch.no_grad()
def extract_batches(extractor: Extractor, batches: Iterable[torch.Tensor]) -> torch.Tensor:
    """Features of the batches, one batch in memory at a time."""
    return torch.cat([extractor(batch).float() for batch in batches])


@dataclass(frozen=True)
class Reference:
    """Which real samples every run is scored against: `samples` of `split` (all of it, if it
    has fewer), or the whole split when `whole`."""

    samples: int
    split: str = "train"
    whole: bool = False

    def draw(self, data: LoadedData) -> torch.Tensor:
        """The samples, in the order of a permutation drawn from REFERENCE_SEED: the same for
        every run, sweep and machine."""
        pool = data.train if self.split == "train" else data.test
        if pool is None:
            raise UserError(
                f"dataset {data.source!r} has no {self.split} split to score against; "
                f'set [evaluation] split = "train"'
            )
        if self.whole and self.split == "train" and data.stream is not None:
            raise UserError(
                f'[evaluation] reference = "all" scores against the whole train split, but the '
                f"dataset holds {len(pool)} of its {data.stream.count} images (stream = true); "
                f'set reference = "subset" or raise the dataset\'s held'
            )
        return self._chosen(pool)

    def labels(self, data: LoadedData) -> torch.Tensor | None:
        """The labels of the samples `draw` gives (None for data without labels)."""
        labels = data.train_labels if self.split == "train" else data.test_labels
        return None if labels is None else self._chosen(labels)

    def _chosen(self, pool: torch.Tensor) -> torch.Tensor:
        if self.whole:
            return pool
        generator = torch.Generator().manual_seed(REFERENCE_SEED)
        count = min(self.samples, len(pool))
        index = torch.randperm(len(pool), generator=generator)[:count]
        return pool[index.to(pool.device)]

    @classmethod
    def recorded(cls, facts: dict[str, Any] | None, samples: int) -> Reference:
        """The reference a record's `features.reference` describes (records written before
        the split could be chosen scored against a subset of the training split)."""
        facts = facts or {}
        return cls(samples, facts.get("split", "train"), facts.get("reference") == "all")

    def describe(self, drawn: int) -> dict[str, Any]:
        """For the records: the split, how the samples were chosen and how many there are."""
        extent = "all" if self.whole else "subset"
        return {"split": self.split, "reference": extent, "samples": drawn}


class Evaluator:
    """Scores generators of `samples` samples each against a fixed real reference set."""

    def __init__(
        self,
        data: LoadedData,
        extractor: Extractor,
        metrics: list[MetricRequest],
        samples: int,
        batch_size: int,
        cache: ReferenceCache | None = None,
        reference: Reference | None = None,
    ) -> None:
        self.data = data
        self.extractor = extractor
        self.metrics = metrics
        self.batch_size = batch_size
        self.reference = reference or Reference(samples)
        self.real_samples = self.reference.draw(data)
        self.real_labels = self.reference.labels(data)
        # A subset is as large as the generated set unless the split is smaller: then both are.
        self.samples = samples if self.reference.whole else len(self.real_samples)
        self._cache_entry = (
            cache.entry(self.real_samples, self.reference.split, extractor.info) if cache else None
        )
        self._real_features = (
            self._cache_entry.load(data.train.device) if self._cache_entry else None
        )
        self.reference_cached = self._real_features is not None
        self._reference_work: dict[Any, Any] = {}

    @property
    def reference_info(self) -> dict[str, Any]:
        """Where the real features come from, for the records."""
        return {
            **self.reference.describe(len(self.real_samples)),
            "cached": self.reference_cached,
            "cache_file": str(self._cache_entry.path) if self._cache_entry else None,
        }

    @property
    def real_features(self) -> torch.Tensor:
        if self._real_features is None:
            self._real_features = extract_features(
                self.extractor, self.real_samples, self.batch_size
            )
            if self._cache_entry is not None:
                self._cache_entry.store(self._real_features)
        return self._real_features

    def score(self, fake_samples: torch.Tensor, fake_labels: torch.Tensor | None = None) -> Scores:
        """Every metric's values for `fake_samples` (`samples` of them, as a run draws), of
        the classes `fake_labels` when a conditional model drew them."""
        fake_features = extract_features(self.extractor, fake_samples, self.batch_size)
        inputs = MetricInputs(
            real_features=self.real_features,
            fake_features=fake_features,
            real_samples=self.real_samples,
            fake_samples=fake_samples,
            data=self.data,
            reference_shared=self._reference_work,
            real_labels=self.real_labels,
            fake_labels=fake_labels,
        )
        return compute_scores(self.metrics, inputs)

    def preflight(self) -> None:
        """Run every metric on a small real-vs-real split, so an extractor or metric that
        cannot handle this dataset fails before any training instead of after it.

        Cached reference features stand in for the extractor's output: they prove it handled
        these very samples before, and spare a second pass over real data.

        The split holds at most 256 samples a side, fewer than a real evaluation: a
        neighbour count `k` (the convention of the k-NN metrics) is checked against the real
        sample count here and shrunk to fit the split for the trial."""
        half = min(256, len(self.real_samples) // 2)
        metrics = [self._trial_request(request, half) for request in self.metrics]
        samples = self.real_samples[: 2 * half]
        labels = self.real_labels
        features = (
            self._real_features[: 2 * half]
            if self._real_features is not None
            else extract_features(self.extractor, samples, self.batch_size)
        )
        inputs = MetricInputs(
            real_features=features[:half],
            fake_features=features[half:],
            real_samples=samples[:half],
            fake_samples=samples[half:],
            data=self.data,
            trial_of=self.samples,
            real_labels=None if labels is None else labels[:half],
            fake_labels=None if labels is None else labels[half : 2 * half],
        )
        compute_scores(metrics, inputs)

    def _trial_request(self, request: MetricRequest, half: int) -> MetricRequest:
        k = request.params.get("k")
        if not isinstance(k, int) or isinstance(k, bool) or k < half:
            return request
        smaller = min(self.samples, len(self.real_samples))
        if k >= smaller:
            raise UserError(
                f"evaluation.params.{request.metric.name}.k = {k} needs more than {k} samples a "
                f"side, but the evaluation has {smaller}; lower k or raise samples"
            )
        return dataclasses.replace(request, params={**request.params, "k": max(1, half - 1)})


def compute_scores(metrics: list[MetricRequest], inputs: MetricInputs) -> Scores:
    """Every metric on one pair of sets, numbers and curves apart."""
    values: dict[str, float] = {}
    curves: dict[str, Curve] = {}
    for request in metrics:
        result = request.metric.compute(inputs, request.params)
        problems = result_problems(request.metric, result)
        if problems:
            raise PluginError(
                f"plugin {request.plugin!r}: metric {request.metric.name!r} {problems[0]}; "
                f"fix or uninstall the plugin"
            )
        for key, value in result.items():
            if isinstance(value, Curve):
                curves[key] = value
            else:
                values[key] = float(value)
    return Scores(values, curves)


def result_problems(metric: Metric, result: object) -> list[str]:
    """What is wrong with what a metric's `compute` returned, one line each: the table reads
    a number under every declared column's key, and a curve under any other key."""
    if not isinstance(result, dict):
        return [f"returned {type(result).__name__}, not a dict of column keys to numbers"]
    declared = [column.key for column in metric.columns]
    missing = [key for key in declared if key not in result]
    problems = []
    if missing:
        returned = ", ".join(map(str, result)) or "nothing"
        problems.append(
            f"returned no value for its declared column(s) {', '.join(missing)} "
            f"(it returned {returned})"
        )
    for key, value in result.items():
        if isinstance(value, Curve):
            continue
        if key not in declared:
            problems.append(f"returned {key!r}, which is neither a declared column nor a Curve")
        elif isinstance(value, bool) or not _is_number(value):
            problems.append(f"returned {type(value).__name__} for {key!r}, not a number")
    return problems


def _is_number(value: object) -> bool:
    if isinstance(value, torch.Tensor):
        return value.numel() == 1
    return isinstance(value, numbers.Real)
