"""Metrics between any two sample sets, outside a sweep: the core of `genbench eval`.

Feature sets are compared as given. Image sets go through a registered extractor first,
built as a sweep would build it: on a dataset when the extractor learns from one, else on the
real set itself, so its checks (image layout, channels) apply to what it will see.

`dataset` names the registered dataset the real set comes from, and plays the part it plays
in a sweep: metrics read its facts (ring-8's modes for mode-coverage) and a learned extractor
(lenet-mnist) is built on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from genbench.api.data import DatasetRequest, LoadedData
from genbench.api.features import Extractor, ExtractorRequest
from genbench.api.metric import MetricInputs
from genbench.api.params import resolve_params
from genbench.api.storage import cache_dir
from genbench.devices import resolve_device
from genbench.errors import UserError
from genbench.eval import DEFAULT_METRICS
from genbench.eval.evaluator import MetricRequest, Scores, compute_scores, extract_features
from genbench.eval.sets import SampleSet, check_pair
from genbench.registry import Registry
from genbench.spec.benchmark import resolve_data_root

IMAGE_FEATURES = "inception"


@dataclass(frozen=True)
class CompareOptions:
    """The command line's choices; None means the default the option's help describes."""

    features: str | None = None
    metrics: tuple[str, ...] = DEFAULT_METRICS
    k: int | None = None
    weights: str | None = None
    dataset: str | None = None
    data_root: Path | None = None
    device: str = "auto"
    batch_size: int = 500


@dataclass(frozen=True)
class Comparison:
    """The scores and the extractor that made the features they were computed on."""

    scores: Scores
    features: dict[str, Any]


def compare(
    real: SampleSet, fake: SampleSet, registry: Registry, options: CompareOptions
) -> Comparison:
    """Every requested metric of `fake` against `real`."""
    check_pair(real, fake)
    metrics = _metric_requests(registry, options)
    device = resolve_device(options.device)
    if real.is_features:
        if options.features not in (None, "identity"):
            raise UserError(
                f"--features {options.features}: the sets are already features (N, D); "
                f"drop --features, or give images to extract features from"
            )
        data = _points_data(registry, real, options, device)
        real_features, fake_features = real.values, fake.values
        described: dict[str, Any] = {"name": "identity", "info": {"name": "given features"}}
    else:
        name = options.features or IMAGE_FEATURES
        extractor, data = _build_extractor(registry, name, real, options, device)
        real_features = extract_features(extractor, real.values, options.batch_size)
        fake_features = extract_features(extractor, fake.values, options.batch_size)
        described = {"name": name, "info": extractor.info}
    inputs = MetricInputs(
        real_features=real_features.to(device),
        fake_features=fake_features.to(device),
        real_samples=real.values.to(device),
        fake_samples=fake.values.to(device),
        data=data,
    )
    return Comparison(compute_scores(metrics, inputs), described)


def _metric_requests(registry: Registry, options: CompareOptions) -> list[MetricRequest]:
    metrics = [registry.get("metric", name) for name in options.metrics]
    takes_k = [metric for metric in metrics if any(p.name == "k" for p in metric.params)]
    if options.k is not None and not takes_k:
        names = ", ".join(metric.name for metric in metrics)
        raise UserError(f"--k: none of the metrics ({names}) takes k")
    requests = []
    for metric in metrics:
        given = {"k": options.k} if options.k is not None and metric in takes_k else {}
        params = resolve_params(metric.params, given, f"metric {metric.name!r}", prefix="--")
        plugin = registry.entry("metric", metric.name).plugin
        requests.append(MetricRequest(metric, params, plugin))
    return requests


def _build_extractor(
    registry: Registry, name: str, real: SampleSet, options: CompareOptions, device: torch.device
) -> tuple[Extractor, LoadedData]:
    factory = registry.get("feature_extractor", name)
    given: dict[str, Any] = {}
    if options.weights:
        if not any(param.name == "weights" for param in factory.params):
            raise UserError(f"--weights: feature extractor {name!r} takes no weights file")
        given["weights"] = options.weights
    params = resolve_params(factory.params, given, f"feature extractor {name!r}", prefix="--")
    dataset = options.dataset or factory.trains_on
    data = _load_dataset(registry, dataset, options, device) if dataset else None
    if data is not None and data.sample_shape != tuple(real.values.shape[1:]):
        raise UserError(
            f"feature extractor {name!r} is built on dataset {dataset!r}, whose samples are "
            f"{data.sample_shape}, but the sets hold images {tuple(real.values.shape[1:])}"
        )
    data = data or LoadedData(real.values, "--real")
    request = ExtractorRequest(params, data, device, cache_dir())
    return factory.build(request), data


def _points_data(
    registry: Registry, real: SampleSet, options: CompareOptions, device: torch.device
) -> LoadedData:
    """The data metrics read facts from (a mixture's modes for mode-coverage): the named
    dataset, whose samples must be the sets' points, else the real set itself."""
    if options.dataset is None:
        return LoadedData(real.values.to(device), "--real")
    data = _load_dataset(registry, options.dataset, options, device)
    if data.sample_shape != tuple(real.values.shape[1:]):
        raise UserError(
            f"dataset {options.dataset!r} holds samples of shape {data.sample_shape}, but the "
            f"sets hold {tuple(real.values.shape[1:])}; name the dataset the real set was "
            f"drawn from, or leave dataset out"
        )
    return data


def _load_dataset(
    registry: Registry, name: str, options: CompareOptions, device: torch.device
) -> LoadedData:
    dataset = registry.get("dataset", name)
    params = resolve_params(dataset.params, {}, f"dataset {name!r}")
    root = resolve_data_root(options.data_root)
    return dataset.load(DatasetRequest(params, device, root.expanduser()))
