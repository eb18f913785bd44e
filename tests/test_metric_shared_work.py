"""k-NN metrics share their costly work: one balls pass per evaluation for precision-recall and
density-coverage together, and the real radii once per reference set, with the same values as
each metric computed alone."""

from __future__ import annotations

import pytest
import torch

import genbench
from genbench.eval.evaluator import Evaluator, MetricRequest
from genbench_metrics import balls
from genbench_metrics.density_coverage import density_coverage
from genbench_metrics.precision_recall import precision_recall


class Counting:
    def __init__(self, function):
        self.function = function
        self.calls = 0

    def __call__(self, *args, **kwargs):
        self.calls += 1
        return self.function(*args, **kwargs)


@pytest.fixture
def counted(monkeypatch):
    passes, radii = Counting(balls.ball_hits), Counting(balls.knn_radii)
    monkeypatch.setattr(balls, "ball_hits", passes)
    monkeypatch.setattr(balls, "knn_radii", radii)
    return passes, radii


def points(n: int, shift: float, seed: int) -> torch.Tensor:
    return torch.randn(n, 8, generator=torch.Generator().manual_seed(seed)) + shift


def test_both_metrics_take_one_pass_and_equal_their_standalone_values(registry, counted):
    real, fake = points(300, 0.0, 0), points(300, 0.3, 1)
    inputs = genbench.MetricInputs(real, fake, real, fake, genbench.LoadedData(real, "test"))
    pr = registry.get("metric", "precision-recall").compute(inputs, {"k": 3})
    dc = registry.get("metric", "density-coverage").compute(inputs, {"k": 3})
    passes, radii = counted
    assert passes.calls == 1
    assert radii.calls == 2  # real and generated, once each
    assert (pr["precision"], pr["recall"]) == precision_recall(real, fake, 3)
    assert (dc["density"], dc["coverage"]) == density_coverage(real, fake, 3)


def test_real_radii_are_computed_once_per_reference_set(registry, counted):
    data = genbench.LoadedData(points(400, 0.0, 2), "test")
    metrics = [MetricRequest(registry.get("metric", "density-coverage"), {"k": 3})]
    evaluator = Evaluator(data, lambda batch: batch, metrics, samples=300, batch_size=100)
    first = evaluator.score(points(300, 0.2, 3))
    second = evaluator.score(points(300, 0.4, 4))
    passes, radii = counted
    assert (passes.calls, radii.calls) == (2, 1)
    assert first.values != second.values
    expected = density_coverage(evaluator.real_features, points(300, 0.4, 4), 3)
    assert (second.values["density"], second.values["coverage"]) == expected
