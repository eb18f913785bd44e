"""A metric computed on a probe pair (real probe data against a shifted copy), on points with
their own coordinates as features and on images with random features: it must return a number
for every column it declares, as a sweep's table will read them, and nothing else but curves."""

from __future__ import annotations

import torch

from genbench.api.data import LoadedData
from genbench.api.metric import Metric, MetricInputs
from genbench.api.params import resolve_params
from genbench.errors import UserError, first_line
from genbench.eval.evaluator import result_problems
from genbench.plugin_check.findings import Findings
from genbench.plugin_check.probes import describe, probe_sets

FEATURE_DIM = 16
TRIAL_OF = 10_000  # a sweep's evaluation size: metrics that need many samples run their trial


def metric_findings(metric: Metric) -> Findings:
    params = resolve_params(metric.params, {}, f"metric {metric.name!r}")
    findings = Findings()
    for data in probe_sets():
        try:
            result = metric.compute(_inputs(data), params)
        except UserError as exc:
            findings.declined.append(f"{describe(data)} ({first_line(exc)})")
            continue
        except Exception as exc:  # the plugin's bug is what this check reports
            findings.problems.append(f"compute on {describe(data)} raised {first_line(exc)}")
            continue
        problems = result_problems(metric, result)
        findings.problems += [f"on {describe(data)}: {problem}" for problem in problems]
        if not problems:
            findings.checked.append(f"compute on {describe(data)}: {', '.join(result)}")
    return findings


def _inputs(data: LoadedData) -> MetricInputs:
    generator = torch.Generator().manual_seed(1)
    real = data.train
    fake = real + 0.1 * torch.randn(real.shape, generator=generator)
    if not data.is_image:
        return MetricInputs(real, fake, real, fake, data, trial_of=TRIAL_OF)
    real_features = torch.randn(len(real), FEATURE_DIM, generator=generator)
    fake_features = torch.randn(len(real), FEATURE_DIM, generator=generator) + 0.5
    return MetricInputs(
        real_features, fake_features, real, fake.clamp(-1, 1), data, trial_of=TRIAL_OF
    )
