"""The classifier score: torch-fidelity's Inception Score formula on lenet-mnist's classifier."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from torch_fidelity.metric_isc import isc_features_to_metric

import genbench
from genbench.api.storage import CACHE_ENV
from genbench.errors import UserError
from genbench_metrics import lenet
from genbench_metrics.catalog import CLASSIFIER_SCORE, LENET_MNIST
from genbench_metrics.classifier_score import class_logits, inception_score

PARAMS = {param.name: param.default for param in CLASSIFIER_SCORE.params}


def test_score_equals_torch_fidelitys_inception_score_on_the_same_logits() -> None:
    logits = torch.randn(1000, 10, generator=torch.Generator().manual_seed(0)) * 3
    expected = isc_features_to_metric(logits, splits=10, shuffle=True, rng_seed=2020)
    mean, std = inception_score(logits, splits=10)
    assert mean == pytest.approx(expected["inception_score_mean"], rel=1e-12)
    assert std == pytest.approx(expected["inception_score_std"], rel=1e-9)


def _confident(classes: torch.Tensor) -> torch.Tensor:
    return torch.nn.functional.one_hot(classes, 10).double() * 50


def test_ten_equally_used_confident_classes_score_ten() -> None:
    # With confident predictions KL(p(y|x) || p(y)) = -log p(y = class of x), so each split
    # scores exp(H(its class histogram)): 10 for a uniform histogram, a little less for the
    # histograms the shuffle leaves in each split.
    classes = torch.arange(10).repeat(1000)
    mean, _ = inception_score(_confident(classes), splits=10)
    order = torch.from_numpy(np.random.RandomState(2020).permutation(len(classes)))
    histograms = torch.stack(
        [torch.bincount(part, minlength=10) / len(part) for part in classes[order].chunk(10)]
    )
    entropies = -(histograms * histograms.log()).sum(dim=1)
    assert mean == pytest.approx(float(entropies.exp().mean()), rel=1e-6)
    assert mean == pytest.approx(10.0, rel=0.01)


def test_a_single_class_scores_one() -> None:
    mean, std = inception_score(_confident(torch.full((1000,), 4)), splits=10)
    assert mean == pytest.approx(1.0, abs=1e-9) and std == pytest.approx(0.0, abs=1e-9)


def _inputs(data: genbench.LoadedData, fake: torch.Tensor) -> genbench.MetricInputs:
    return genbench.MetricInputs(fake, fake, data.train[: len(fake)], fake, data)


def test_non_mnist_data_is_a_user_error() -> None:
    points = torch.randn(100, 2)
    data = genbench.LoadedData(train=points, source="test")
    with pytest.raises(UserError, match=r"metric 'classifier-score' needs .* images"):
        CLASSIFIER_SCORE.compute(_inputs(data, points), PARAMS)


def test_metric_reuses_the_classifier_the_extractor_cached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    trainings = []

    def quick_training(*args: Any) -> lenet.LeNet:
        trainings.append(args)
        torch.manual_seed(0)
        return lenet.LeNet().eval()

    monkeypatch.setattr(lenet, "train_lenet", quick_training)
    generator = torch.Generator().manual_seed(1)
    images = torch.rand(200, 1, 28, 28, generator=generator) * 2 - 1
    data = genbench.LoadedData(
        train=images, source="test", train_labels=torch.arange(10).repeat(20)
    )
    extractor_params = {param.name: param.default for param in LENET_MNIST.params}
    request = genbench.ExtractorRequest(extractor_params, data, torch.device("cpu"), tmp_path)
    extractor = LENET_MNIST.build(request)
    fake = images[:100]
    result = CLASSIFIER_SCORE.compute(_inputs(data, fake), PARAMS)
    assert len(trainings) == 1
    expected = inception_score(class_logits(extractor.model, fake), splits=10)
    assert (result["classifier_score"], result["classifier_score_std"]) == expected
    assert math.isfinite(result["classifier_score"]) and result["classifier_score"] >= 1.0
