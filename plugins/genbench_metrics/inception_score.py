"""The Inception Score (Salimans et al. 2016) on the network it was defined with.

torch-fidelity's InceptionV3 logits (its `logits_unbiased`, which its own Inception Score
reads) go through the same score function as `classifier-score`, so the number equals
torch-fidelity's on the same images and weights. It is what CIFAR-10 and ImageNet papers
quote; on MNIST Inception knows no digits, and `classifier-score` is the meaningful one.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

import genbench

from .classifier_score import inception_score
from .inception import InceptionFeatures, check_images, inception_network, weights_path

LOGITS = "logits_unbiased"
_NETWORKS: dict[tuple[str, str], tuple[nn.Module, dict[str, Any]]] = {}
"""Loaded once per process for each weights file and device: evaluations repeat per run."""


def _logits_network(given: str, device: torch.device) -> tuple[nn.Module, dict[str, Any]]:
    key = (given, str(device))
    if key not in _NETWORKS:
        path, weights = weights_path(given)
        _NETWORKS[key] = inception_network(path, device, LOGITS), weights
    return _NETWORKS[key]


def compute_inception_score(
    inputs: genbench.MetricInputs, params: dict[str, Any]
) -> dict[str, float]:
    samples = inputs.fake_samples
    check_images(tuple(samples.shape[1:]), samples.dim() == 4, "metric 'inception-score'")
    network, weights = _logits_network(params["weights"], samples.device)
    logits = InceptionFeatures(network, weights, params["protocol"])(samples)
    mean, std = inception_score(logits, params["splits"])
    return {"inception_score": mean, "inception_score_std": std}
