"""Metrics between any two sample sets, outside a sweep: the core of `genbench eval`.

Feature sets are compared as given. Image sets go through a registered extractor first,
built as a sweep would build it: on a dataset when the extractor learns from one, else on the
real set itself, so its checks (image layout, channels) apply to what it will see.

`dataset` names the registered dataset the real set comes from, and plays the part it plays
in a sweep: metrics read its facts (ring-8's modes for mode-coverage) and a learned extractor
(lenet-mnist) is built on it.

The real set may also be given as its statistics alone (`StatisticsFile`, a paper's .npz):
then only the metrics that read nothing else of it (`Metric.from_statistics`) can be asked.
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
from genbench.eval.evaluator import MetricRequest, Scores, compute_scores, extract_batches
from genbench.eval.sets import SampleSet, check_pair
from genbench.eval.statistics_file import StatisticsFile, check_statistics, extractor_identity
from genbench.registry import Registry
from genbench.spec.benchmark import resolve_data_root
from genbench.spec.evaluation_table import SHORTCUTS

IMAGE_FEATURES = "inception"


@dataclass(frozen=True)
class CompareOptions:
    """The command line's choices; None means the default the option's help describes."""

    features: str | None = None
    metrics: tuple[str, ...] = DEFAULT_METRICS
    k: int | None = None
    weights: str | None = None
    protocol: str | None = None
    dataset: str | None = None
    data_root: Path | None = None
    device: str = "auto"
    batch_size: int = 500


EXTRACTOR_OPTIONS = tuple(SHORTCUTS)
"""Options passed to the parameter of the same name of the extractor and of every metric that
takes it: the options of `[evaluation]`'s shortcuts."""


@dataclass(frozen=True)
class Comparison:
    """The scores, the extractor that made the features they were computed on, and what the
    user should know about them (one line each)."""

    scores: Scores
    features: dict[str, Any]
    notes: tuple[str, ...] = ()


def compare(
    real: SampleSet | StatisticsFile, fake: SampleSet, registry: Registry, options: CompareOptions
) -> Comparison:
    """Every requested metric of `fake` against `real`."""
    metrics = _metric_requests(registry, options)
    device = resolve_device(options.device)
    if isinstance(real, StatisticsFile):
        _check_statistics_metrics(registry, metrics)
        featured = set_features([fake], registry, options, device, metrics=tuple(metrics))
        dim = featured.features[0].shape[1]
        note = check_statistics(real, featured.identity, dim)
        empty = torch.empty(0, dim, device=device)
        real_features, real_samples, statistics = empty, empty, real.statistics
    else:
        check_pair(real, fake)
        featured = set_features([real, fake], registry, options, device, metrics=tuple(metrics))
        real_features, note, statistics = featured.features[0], None, None
        real_samples = _samples(real, metrics, device)
    inputs = MetricInputs(
        real_features=real_features.to(device),
        fake_features=featured.features[-1].to(device),
        real_samples=real_samples,
        fake_samples=_samples(fake, metrics, device),
        data=featured.data,
        real_statistics=statistics,
    )
    scores = compute_scores(metrics, inputs)
    return Comparison(scores, featured.described, (note,) if note else ())


@dataclass(frozen=True)
class Featured:
    """The sets' features, the data the metrics read facts from, the extractor as the output
    describes it and as statistics files identify it (None for features given as such)."""

    features: list[torch.Tensor]
    data: LoadedData
    described: dict[str, Any]
    identity: dict[str, Any] | None


def set_features(
    sets: list[SampleSet],
    registry: Registry,
    options: CompareOptions,
    device: torch.device,
    loaded: LoadedData | None = None,
    metrics: tuple[MetricRequest, ...] = (),
) -> Featured:
    """Features of each set, image sets streamed a batch at a time; the extractor is built as
    `build_extractor` says, on a batch of the first set unless a dataset is named (`loaded`,
    when the caller has it already)."""
    first = sets[0]
    if first.is_features:
        if options.features not in (None, "identity"):
            raise UserError(
                f"--features {options.features}: the sets are already features (N, D); "
                f"drop --features, or give images to extract features from"
            )
        data = loaded or _points_data(registry, first, options, device)
        described: dict[str, Any] = {"name": "identity", "info": {"name": "given features"}}
        return Featured([s.values for s in sets], data, described, None)
    name = options.features or IMAGE_FEATURES
    sample = next(first.batches(options.batch_size))
    extractor, data = build_extractor(registry, name, sample, options, device, loaded, metrics)
    features = [extract_batches(extractor, s.batches(options.batch_size)) for s in sets]
    described = {"name": name, "info": extractor.info}
    return Featured(features, data, described, extractor_identity(name, extractor.info))


def _samples(
    sample_set: SampleSet, metrics: list[MetricRequest], device: torch.device
) -> torch.Tensor:
    """The set's samples when a metric may read them, else an empty tensor of their shape (so
    a large folder is never held whole for metrics that read features alone)."""
    if all(request.metric.features_only for request in metrics):
        return torch.empty((0, *sample_set.shape), device=device)
    return sample_set.values.to(device)


def _check_statistics_metrics(registry: Registry, metrics: list[MetricRequest]) -> None:
    needing = [request.metric.name for request in metrics if not request.metric.from_statistics]
    if needing:
        able = ", ".join(
            n for n in registry.names("metric") if registry.describe("metric", n).from_statistics
        )
        raise UserError(
            f"metric {needing[0]!r} needs the real samples, and --real-stats holds only their "
            f"mean and covariance; give them with --real, or ask only for {able}"
        )


def _metric_requests(registry: Registry, options: CompareOptions) -> list[MetricRequest]:
    metrics = [registry.get("metric", name) for name in options.metrics]
    takes_k = [metric for metric in metrics if any(p.name == "k" for p in metric.params)]
    if options.k is not None and not takes_k:
        names = ", ".join(metric.name for metric in metrics)
        raise UserError(f"--k: none of the metrics ({names}) takes k")
    requests = []
    for metric in metrics:
        given = {"k": options.k} if options.k is not None and metric in takes_k else {}
        given |= {option: getattr(options, option) for option in _taken(metric.params, options)}
        params = resolve_params(metric.params, given, f"metric {metric.name!r}", prefix="--")
        plugin = registry.entry("metric", metric.name).plugin
        requests.append(MetricRequest(metric, params, plugin))
    return requests


def _taken(params: tuple[Any, ...], options: CompareOptions) -> list[str]:
    """The EXTRACTOR_OPTIONS given that an item with `params` takes."""
    names = {param.name for param in params}
    return [option for option in EXTRACTOR_OPTIONS if getattr(options, option) and option in names]


def build_extractor(
    registry: Registry,
    name: str,
    images: torch.Tensor,
    options: CompareOptions,
    device: torch.device,
    loaded: LoadedData | None = None,
    metrics: tuple[MetricRequest, ...] = (),
) -> tuple[Extractor, LoadedData]:
    """The extractor `name` for `images`, built on `options.dataset` (`loaded`, when the
    caller has it already) or the dataset it trains on, else on the images themselves; and
    the data it was built on. --weights and --protocol go to it when it takes them; one that
    neither it nor any of `metrics` takes is an error."""
    factory = registry.get("feature_extractor", name)
    given = {option: getattr(options, option) for option in _taken(factory.params, options)}
    for option in EXTRACTOR_OPTIONS:
        used = option in given or any(option in _taken(r.metric.params, options) for r in metrics)
        if getattr(options, option) and not used:
            raise UserError(f"--{option}: feature extractor {name!r} takes no {option}")
    params = resolve_params(factory.params, given, f"feature extractor {name!r}", prefix="--")
    dataset = options.dataset or factory.trains_on
    data = loaded or (load_dataset(registry, dataset, options, device) if dataset else None)
    if data is not None and data.sample_shape != tuple(images.shape[1:]):
        raise UserError(
            f"feature extractor {name!r} is built on dataset {dataset!r}, whose samples are "
            f"{data.sample_shape}, but the sets hold images {tuple(images.shape[1:])}"
        )
    data = data or LoadedData(images, "the images given")
    request = ExtractorRequest(params, data, device, cache_dir())
    return factory.build(request), data


def _points_data(
    registry: Registry, points: SampleSet, options: CompareOptions, device: torch.device
) -> LoadedData:
    """The data metrics read facts from (a mixture's modes for mode-coverage): the named
    dataset, whose samples must be the sets' points, else the (first) set itself."""
    if options.dataset is None:
        return LoadedData(points.values.to(device), "--real")
    data = load_dataset(registry, options.dataset, options, device)
    if data.sample_shape != points.shape:
        raise UserError(
            f"dataset {options.dataset!r} holds samples of shape {data.sample_shape}, but the "
            f"sets hold {points.shape}; name the dataset the real set was drawn from, or leave "
            f"dataset out"
        )
    return data


def load_dataset(
    registry: Registry, name: str, options: CompareOptions, device: torch.device
) -> LoadedData:
    dataset = registry.get("dataset", name)
    params = resolve_params(dataset.params, {}, f"dataset {name!r}")
    root = resolve_data_root(options.data_root)
    return dataset.load(DatasetRequest(params, device, root.expanduser()))
