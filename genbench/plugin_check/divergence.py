"""A divergence's losses probed on the values a critic really produces, before a sweep finds
out the hard way.

A divergence written from its table (f*, g_f) is correct on paper yet can lose its gradient in
float32: Neyman chi-squared composed as f*(g_f(v)) = 2 - 2 sqrt(1 - (1 - exp(-v))) rounds
1 - exp(-v) to 1 for v above about 17, and the square root of 0 has an infinite slope. Each
divergence's losses and their gradients are evaluated on a grid of critic outputs v in
[-PROBE_LIMIT, PROBE_LIMIT] in float32; any non-finite value is reported with the v where it
appears, so the author can give a closed form (`conjugate_of_activation`) instead. A
relativistic divergence's generator loss gets the same values as real and generated ones.
"""

from __future__ import annotations

from typing import Any

from genbench.plugin_check.findings import Findings

PROBE_LIMIT = 30.0
PROBE_POINTS = 241


def divergence_findings(divergence: Any) -> Findings:
    problems = divergence_problems(divergence)
    checked = (
        []
        if problems
        else [
            f"losses and gradients finite in float32 for v in [-{PROBE_LIMIT:g}, {PROBE_LIMIT:g}]"
        ]
    )
    return Findings(checked=checked, problems=problems)


def divergence_problems(divergence: Any) -> list[str]:
    """One line per loss whose value or gradient is not finite somewhere on the grid."""
    import torch

    grid = torch.linspace(-PROBE_LIMIT, PROBE_LIMIT, PROBE_POINTS, dtype=torch.float32)
    losses = {
        "discriminator_loss (critic output v on real and fake)": lambda v: (
            divergence.discriminator_loss(v, v)
        ),
        "generator_loss": (
            (lambda v: divergence.generator_loss(v, v))
            if getattr(divergence, "relativistic", False)
            else divergence.generator_loss
        ),
    }
    if callable(getattr(divergence, "saddle_generator_loss", None)):
        losses["saddle_generator_loss"] = divergence.saddle_generator_loss
    problems = []
    for label, loss in losses.items():
        bad = [float(v) for v in grid if not _finite_at(loss, v)]
        if bad:
            where = ", ".join(f"{v:g}" for v in bad[:3]) + (" ..." if len(bad) > 3 else "")
            problems.append(f"{label} or its gradient is not finite at v = {where}")
    return problems


def _finite_at(loss: Any, value: Any) -> bool:
    import torch

    v = value.reshape(1).clone().requires_grad_(True)
    result = loss(v)
    (gradient,) = torch.autograd.grad(result, v, allow_unused=True)
    finite = bool(torch.isfinite(result).all())
    return finite and (gradient is None or bool(torch.isfinite(gradient).all()))
