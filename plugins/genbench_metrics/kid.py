"""Kernel Inception Distance (Binkowski et al. 2018), computed by torch-fidelity itself.

KID is the unbiased MMD^2 between the feature sets under the cubic polynomial kernel
k(x, y) = (x.y / d + 1)^3, averaged over random subsets. Unlike FID it has an unbiased
estimator, so its value does not drift with N. The computation is torch-fidelity's
`kid_features_to_metric` (its kernel, subsets and RNG), fed float64 features, so a KID from
genbench is one from torch-fidelity. A sample count below the subset size is refused with a
way out, rather than letting a smaller subset change what the number means.
"""

from __future__ import annotations

import math
from typing import Any

import torch

import genbench
from genbench.api import UserError


def kid(
    real: torch.Tensor,
    fake: torch.Tensor,
    subsets: int = 100,
    subset_size: int = 1000,
    seed: int = 2020,
) -> tuple[float, float]:
    """(mean, population std) of MMD^2 over `subsets` random subsets of `subset_size`."""
    check_sample_count(len(real), len(fake), subset_size)
    from torch_fidelity.metric_kid import (
        KEY_METRIC_KID_MEAN,
        KEY_METRIC_KID_STD,
        kid_features_to_metric,
    )

    result = kid_features_to_metric(
        real.reshape(len(real), -1).detach().double().cpu(),
        fake.reshape(len(fake), -1).detach().double().cpu(),
        kid_subsets=subsets,
        kid_subset_size=subset_size,
        rng_seed=seed,
        verbose=False,
    )
    return float(result[KEY_METRIC_KID_MEAN]), float(result[KEY_METRIC_KID_STD])


def check_sample_count(real: int, fake: int, subset_size: int) -> None:
    """A subset cannot be larger than its set: say which setting to change."""
    if min(real, fake) < subset_size:
        raise UserError(
            f"kid: subset_size {subset_size} needs at least as many samples per set, got "
            f"{real} real and {fake} generated; raise evaluation.samples or set "
            f"[evaluation.params.kid] subset_size = {max(2, min(real, fake))}"
        )


def compute_kid(inputs: genbench.MetricInputs, params: dict[str, Any]) -> dict[str, float]:
    size = params["subset_size"]
    if inputs.trial_of is not None:
        # The evaluator's trial before training: check the count real evaluations will have,
        # then exercise the computation on the few samples of the trial.
        check_sample_count(inputs.trial_of, inputs.trial_of, size)
        size = min(size, len(inputs.real_features), len(inputs.fake_features))
        if size < 2:
            return {"kid": math.nan, "kid_std": math.nan}
    mean, std = kid(
        inputs.real_features, inputs.fake_features, params["subsets"], size, params["seed"]
    )
    return {"kid": mean, "kid_std": std}
