"""What a sweep prepares once, before its first run trains: the device, the data, the feature
extractor with the real reference features, and the facts every run's record shares.

Every metric is tried on real data here, so an incompatible choice fails before training and
before anything is written; hashing the data for the records is done once, not per run. What
it is doing and what went wrong on the way reach the user through the sweep hooks
(`genbench_sweep_status`, `genbench_sweep_warning`): this module prints nothing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import torch

import genbench.environment as environment
from genbench.api.data import DatasetRequest, LoadedData
from genbench.api.features import Extractor, ExtractorRequest
from genbench.api.record import ColumnFacts, DatasetFacts, FeatureFacts
from genbench.api.storage import cache_dir
from genbench.devices import resolve_device
from genbench.errors import collected_warnings
from genbench.eval.evaluator import Evaluator, MetricRequest, Reference
from genbench.eval.reference import ReferenceCache
from genbench.registry import Registry
from genbench.spec.benchmark import BenchmarkSpec


@dataclass
class Prepared:
    device: torch.device
    data: LoadedData
    evaluator: Evaluator
    record_facts: dict[str, Any]  # RunRecord fields every run of the sweep shares


def prepare(spec: BenchmarkSpec, registry: Registry) -> Prepared:
    """Device, data, feature extractor and reference features, with the data's warnings (an
    offline fallback) said once."""
    hook = registry.hook
    device = resolve_device(spec.device)
    data = load_data(spec, registry, device)
    evaluation = spec.evaluation
    factory = registry.get("feature_extractor", evaluation.features)
    hook.genbench_sweep_status(message=f"Preparing feature extractor {factory.name}...")
    folder = cache_dir()
    extractor = factory.build(ExtractorRequest(evaluation.feature_params, data, device, folder))
    evaluator = _evaluator(spec, registry, data, extractor, factory.name, folder)
    features = FeatureFacts(
        name=factory.name, info=extractor.info, reference=evaluator.reference_info
    )
    facts = _record_facts(spec, registry, device, data, evaluator, features)
    return Prepared(device, data, evaluator, facts)


def load_data(spec: BenchmarkSpec, registry: Registry, device: torch.device) -> LoadedData:
    """The spec's dataset on `device`, its warnings (an offline fallback) said once."""
    hook = registry.hook
    dataset = registry.get("dataset", spec.dataset)
    hook.genbench_sweep_status(message=f"Loading dataset {spec.dataset}...")
    with collected_warnings() as caught:
        data = dataset.load(DatasetRequest(spec.dataset_params, device, spec.data_root))
    for message in filter(None, dict.fromkeys([*caught, data.fallback or ""])):
        hook.genbench_sweep_warning(message=message)
    return data


def _evaluator(
    spec: BenchmarkSpec,
    registry: Registry,
    data: LoadedData,
    extractor: Extractor,
    features: str,
    folder: Path,
) -> Evaluator:
    """The evaluator of every run, its metrics tried once on real data (`preflight`)."""
    evaluation = spec.evaluation
    metrics = [
        MetricRequest(
            registry.get("metric", name),
            evaluation.metric_params[name],
            registry.entry("metric", name).plugin,
        )
        for name in evaluation.metrics
    ]
    cache = ReferenceCache(folder, features, evaluation.feature_params)
    reference = Reference(evaluation.samples, evaluation.split, evaluation.reference == "all")
    evaluator = Evaluator(
        data, extractor, metrics, evaluation.samples, evaluation.batch_size, cache, reference
    )
    evaluator.preflight()
    return evaluator


def _record_facts(
    spec: BenchmarkSpec,
    registry: Registry,
    device: torch.device,
    data: LoadedData,
    evaluator: Evaluator,
    features: FeatureFacts,
) -> dict[str, Any]:
    return {
        "dataset": DatasetFacts(
            name=spec.dataset,
            source=data.source,
            fallback=data.fallback,
            fingerprint=data.fingerprint(),
            train_size=len(data.train),
            sample_shape=list(data.sample_shape),
        ),
        "features": features,
        "eval_samples": evaluator.samples,
        "columns": [
            ColumnFacts(**asdict(column))
            for name in spec.evaluation.metrics
            for column in registry.get("metric", name).columns
        ],
        "device": str(device),
        "machine": environment.machine(device),
        "versions": environment.versions(),
        "plugins": {
            info.name: f"{info.distribution} {info.version}"
            for info in registry.plugins
            if info.error is None
        },
    }
