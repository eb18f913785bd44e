"""The Inception Score's formula on MNIST's own classifier (Salimans et al. 2016).

exp(E_x KL(p(y|x) || p(y))) is high when each generated digit is classified confidently
(sharp p(y|x)) and the digits spread over all classes (flat p(y)): about 10 for a generator
that draws every digit equally and recognisably, 1 for one that draws a single digit. Inception
knows no digits, so the classifier here is `lenet-mnist`'s, from the same cache as the feature
extractor (same parameters, same file: it is trained once for both). The score itself is
torch-fidelity's `isc_features_to_metric` on the classifier's logits.
"""

from __future__ import annotations

from typing import Any

import torch

import genbench
from genbench.api import cache_dir

from .catalog import LENET_PARAMS
from .lenet import EVAL_BATCH, IMAGE_SHAPE, LeNet, check_images, trained_lenet


def inception_score(
    logits: torch.Tensor, splits: int = 10, seed: int = 2020
) -> tuple[float, float]:
    """(mean, population std) over `splits` equal parts of the shuffled samples: torch-fidelity's
    own Inception Score function, on this classifier's logits."""
    from torch_fidelity.metric_isc import (
        KEY_METRIC_ISC_MEAN,
        KEY_METRIC_ISC_STD,
        isc_features_to_metric,
    )

    result = isc_features_to_metric(logits.detach().cpu(), splits, shuffle=True, rng_seed=seed)
    return float(result[KEY_METRIC_ISC_MEAN]), float(result[KEY_METRIC_ISC_STD])


@torch.no_grad()
def class_logits(model: LeNet, samples: torch.Tensor) -> torch.Tensor:
    model.eval()
    device = next(model.parameters()).device
    return torch.cat(
        [model(batch.to(device, torch.float32)) for batch in samples.split(EVAL_BATCH)]
    )


def compute_classifier_score(
    inputs: genbench.MetricInputs, params: dict[str, Any]
) -> dict[str, float]:
    instead = "it scores MNIST-like digits only; remove it from metrics for this dataset"
    check_images(inputs.data, "metric 'classifier-score'", instead)
    samples = inputs.fake_samples
    if tuple(samples.shape[1:]) != IMAGE_SHAPE:
        raise genbench.UserError(
            f"metric 'classifier-score' needs generated samples of shape (N, 1, 28, 28), "
            f"got {tuple(samples.shape)}"
        )
    lenet = {p.name: params[p.name] for p in LENET_PARAMS}
    model, _ = trained_lenet(inputs.data, lenet, samples.device, cache_dir())
    mean, std = inception_score(class_logits(model, samples), params["splits"])
    return {"classifier_score": mean, "classifier_score_std": std}
