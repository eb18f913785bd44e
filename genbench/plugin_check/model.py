"""A model family built with its defaults and trained for a few steps by the engine itself, on
the first probe set it accepts; a latent prior built and sampled. A family that must start from
another entry's trained model (`init_from = "required"`) has only its code imported: the probe
has no trained model to give it."""

from __future__ import annotations

import torch

from genbench.api.model import BuildContext, ModelFamily
from genbench.api.params import resolve_params
from genbench.api.prior import Prior
from genbench.api.registry import Registry
from genbench.engine.loop import train
from genbench.errors import UserError, first_line
from genbench.plugin_check.findings import Findings
from genbench.plugin_check.probes import describe, probe_sets
from genbench.spec.budget import Budget

PROBE_STEPS = 3
LATENT_DIM = 8
SAMPLES = 16


def model_findings(family: ModelFamily, registry: Registry) -> Findings:
    findings = Findings()
    if family.init_from == "required":
        findings.checked.append("code imported (it starts from a trained model: not built)")
        return findings
    params = resolve_params(family.params, {}, f"model {family.name!r}")
    for data in probe_sets():
        context = BuildContext(params, data.sample_shape, torch.device("cpu"), registry)
        try:
            model = family.build(context)
            outcome = train(model, data.train, Budget.parse(f"{PROBE_STEPS} steps"))
        except UserError as exc:
            findings.declined.append(f"{describe(data)} ({first_line(exc)})")
            continue
        if outcome.status != "ok":
            findings.problems.append(
                f"on {describe(data)}: training {outcome.status}: {outcome.reason}"
            )
        else:
            findings.checked.append(f"built and trained {PROBE_STEPS} steps on {describe(data)}")
        return findings
    return findings


def prior_findings(prior: Prior) -> Findings:
    params = resolve_params(prior.params, {}, f"prior {prior.name!r}")
    findings = Findings()
    samples = prior.build(LATENT_DIM, params).sample(SAMPLES)
    if not isinstance(samples, torch.Tensor) or tuple(samples.shape) != (SAMPLES, LATENT_DIM):
        shape = tuple(samples.shape) if isinstance(samples, torch.Tensor) else type(samples)
        findings.problems.append(
            f"sample({SAMPLES}) gave {shape}; expected ({SAMPLES}, {LATENT_DIM})"
        )
    elif not torch.isfinite(samples).all():
        findings.problems.append("its samples are not finite")
    else:
        findings.checked.append(f"built for latent size {LATENT_DIM} and sampled {SAMPLES}")
    return findings
