"""A feature extractor built on each probe set, as a sweep builds it on its dataset, and run on
a batch: one finite float vector per sample and an `info` dict for the record."""

from __future__ import annotations

import torch

from genbench.api.features import ExtractorRequest, FeatureExtractor
from genbench.api.params import resolve_params
from genbench.api.storage import cache_dir
from genbench.errors import UserError, first_line
from genbench.plugin_check.findings import Findings
from genbench.plugin_check.probes import describe, probe_sets

BATCH = 32


def feature_findings(factory: FeatureExtractor) -> Findings:
    params = resolve_params(factory.params, {}, f"feature extractor {factory.name!r}")
    findings = Findings()
    for data in probe_sets():
        try:
            extractor = factory.build(
                ExtractorRequest(params, data, torch.device("cpu"), cache_dir())
            )
            features = extractor(data.train[:BATCH])
        except UserError as exc:
            findings.declined.append(f"{describe(data)} ({first_line(exc)})")
            continue
        problems = _feature_problems(features, getattr(extractor, "info", None))
        findings.problems += [f"on {describe(data)}: {problem}" for problem in problems]
        if not problems:
            findings.checked.append(
                f"built and extracted {features.shape[1]} features on {describe(data)}"
            )
    return findings


def _feature_problems(features: object, info: object) -> list[str]:
    if not isinstance(features, torch.Tensor) or features.dim() != 2 or len(features) != BATCH:
        shape = tuple(features.shape) if isinstance(features, torch.Tensor) else type(features)
        return [f"returned {shape} for a batch of {BATCH}; expected features ({BATCH}, D)"]
    problems = []
    if not features.is_floating_point() or not torch.isfinite(features).all():
        problems.append("the features are not finite floats")
    if not isinstance(info, dict):
        problems.append("the extractor has no `info` dict for the run record")
    return problems
