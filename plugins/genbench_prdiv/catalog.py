"""What genbench_prdiv registers, described without importing torch: the lambda-PR
divergence and the PR optimizer (Verine et al. 2023)."""

from __future__ import annotations

import math
from typing import Any

from genbench.api import Deferred, ModelFamily, Param, lazy

LAMBDA = Param(
    "lambda", 1.0, "trade-off: large values weigh precision, small ones recall", minimum=1e-6
)

GENERATOR_LOSSES = ("precision", "pr", "dual")


def critic_range_problem(value: Any) -> str | None:
    """What is wrong with a `critic_range` (None if nothing): a clamp whose low is not below
    its high would pin every ratio estimate to one value, and `clamp` would not say so."""
    low, high = value
    if low < high:
        return None
    return f"low must be below high, got [{low}, {high}]; e.g. [-2.0, 5.0], the authors' clamp"


PR_OPTIMIZER_PARAMS = (
    LAMBDA,
    Param(
        "auxiliary",
        "pearson",
        "f-divergence the critic maximises (pearson = chi^2, the paper's choice; or kl)",
        refers_to="divergence",
    ),
    Param(
        "generator_loss",
        "precision",
        "precision: max E[min(lambda r, 1)] (authors' code); pr: E[f_lambda(r)] (paper); "
        "dual: the direct dual",
        choices=GENERATOR_LOSSES,
    ),
    Param(
        "critic_range",
        (-math.inf, math.inf),
        "clamp the auxiliary critic's output before the ratio; the authors use [-2.0, 5.0]",
        rule=critic_range_problem,
    ),
    Param("critic_warmup", 500, "critic-only updates before the first generator update", minimum=0),
    Param("batch_size", 64, "real and generated samples per batch", minimum=1),
    Param("n_critic", 1, "critic updates per generator update", minimum=1),
    Param("lr_g", 1e-6, "generator learning rate (Adam)", minimum=0.0),
    Param("lr_d", 1e-5, "critic learning rate (Adam)", minimum=0.0),
    Param("betas", (0.5, 0.999), "Adam betas", minimum=0.0, maximum=1.0, maximum_excluded=True),
)

PR = Deferred(
    "pr",
    "Precision-recall divergence, f(u) = max(lambda u, 1) - max(lambda, 1).",
    "genbench_prdiv.divergence:PRDivergence",
    (LAMBDA,),
)

PR_OPTIMIZER = ModelFamily(
    "pr-optimizer",
    "Fine-tunes a trained entry (init_from) towards a precision-recall trade-off lambda.",
    lazy("genbench_prdiv.model:build_pr_optimizer"),
    PR_OPTIMIZER_PARAMS,
    init_from="required",
)
