"""Metrics of class-conditional generation: does a sample of requested class c look like the
data's class c?

- `intra-fid` (Miyato & Koyama 2018): FID between the generated and the real samples of each
  class, averaged over the classes. A model that draws every class well but ignores the label
  has a low FID and a high intra-FID.
- `class-accuracy`: the share of generated samples that `lenet-mnist`'s classifier, trained on
  the dataset's own labels, assigns to the class they were requested as (MNIST-like data; the
  classifier's accuracy on the real test split is the ceiling, and is reported beside it).
"""

from __future__ import annotations

from typing import Any

import torch

import genbench
from genbench.api import cache_dir, feature_statistics

from .catalog import LENET_PARAMS
from .classifier_score import class_logits
from .fid import frechet_distance
from .lenet import IMAGE_SHAPE, LeNet, check_images, trained_lenet


def _labels(inputs: genbench.MetricInputs, metric: str) -> tuple[torch.Tensor, torch.Tensor]:
    if inputs.fake_labels is None or inputs.real_labels is None:
        raise genbench.UserError(
            f"metric {metric!r} scores a conditional model's samples by class; it needs a "
            f"dataset with labels and an entry with conditional = true"
        )
    return inputs.real_labels, inputs.fake_labels


def compute_intra_fid(inputs: genbench.MetricInputs, params: dict[str, Any]) -> dict[str, float]:
    """The mean over classes of FID between a class's real and generated features; a class
    with fewer than `min_samples` on either side is refused rather than scored on noise."""
    real_labels, fake_labels = _labels(inputs, "intra-fid")
    classes = torch.unique(real_labels).tolist()
    distances = []
    for c in classes:
        real = inputs.real_features[real_labels.to(inputs.real_features.device) == c]
        fake = inputs.fake_features[fake_labels.to(inputs.fake_features.device) == c]
        fewest = min(len(real), len(fake))
        if fewest < params["min_samples"]:
            raise genbench.UserError(
                f"metric 'intra-fid': class {c} has {fewest} samples on one side, under "
                f"min_samples = {params['min_samples']}; raise [evaluation] samples"
            )
        distances.append(frechet_distance(feature_statistics(real), feature_statistics(fake)))
    return {"intra_fid": sum(distances) / len(distances)}


def compute_class_accuracy(
    inputs: genbench.MetricInputs, params: dict[str, Any]
) -> dict[str, float]:
    """Generated samples classified as their requested class, and the classifier's own
    accuracy on the real set scored against (what a perfect generator would reach)."""
    real_labels, fake_labels = _labels(inputs, "class-accuracy")
    instead = "it classifies MNIST-like digits only; use intra-fid for this dataset"
    check_images(inputs.data, "metric 'class-accuracy'", instead)
    if tuple(inputs.fake_samples.shape[1:]) != IMAGE_SHAPE:
        raise genbench.UserError(
            f"metric 'class-accuracy' needs samples of shape (N, 1, 28, 28), got "
            f"{tuple(inputs.fake_samples.shape)}"
        )
    lenet = {p.name: params[p.name] for p in LENET_PARAMS}
    model, _ = trained_lenet(inputs.data, lenet, inputs.fake_samples.device, cache_dir())
    return {
        "class_accuracy": _accuracy(model, inputs.fake_samples, fake_labels),
        "real_class_accuracy": _accuracy(model, inputs.real_samples, real_labels),
    }


def _accuracy(model: LeNet, samples: torch.Tensor, labels: torch.Tensor) -> float:
    predicted = class_logits(model, samples).argmax(dim=1).cpu()
    return float((predicted == labels.cpu()).double().mean())
