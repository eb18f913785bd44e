"""PRD against its closed form on known histograms, and its clustering on separated data."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import genbench
from genbench.errors import UserError
from genbench_metrics.catalog import PRD
from genbench_metrics.prd import cluster_labels, f_beta, prd, prd_from_histograms


def _closed_form(p: np.ndarray, q: np.ndarray, angles: int) -> tuple[np.ndarray, np.ndarray]:
    """alpha(lambda) = sum_i min(lambda p_i, q_i), beta = alpha / lambda (Sajjadi et al.,
    Theorem 2), at lambda = tan(theta), theta evenly spaced in (0, pi/2)."""
    theta = np.linspace(1e-10, np.pi / 2 - 1e-10, angles)
    slopes = np.tan(theta)
    alpha = np.array([np.minimum(s * p, q).sum() for s in slopes])
    return np.clip(alpha, 0, 1), np.clip(alpha / slopes, 0, 1)


def _f(precision: np.ndarray, recall: np.ndarray, beta: float) -> float:
    """F_beta = (1 + beta^2) p r / (beta^2 p + r), the paper's definition."""
    return float(
        np.max((1 + beta**2) * precision * recall / (beta**2 * precision + recall + 1e-10))
    )


@pytest.mark.parametrize(
    ("p", "q"),
    [
        ([0.5, 0.5, 0.0], [0.0, 0.5, 0.5]),
        ([0.1, 0.2, 0.3, 0.4], [0.4, 0.3, 0.2, 0.1]),
        ([1.0, 0.0], [0.25, 0.75]),
    ],
)
def test_curve_from_histograms_equals_the_closed_form(p: list[float], q: list[float]) -> None:
    precision, recall = prd_from_histograms(
        torch.tensor(p, dtype=torch.float64), torch.tensor(q, dtype=torch.float64), angles=101
    )
    expected_precision, expected_recall = _closed_form(np.array(p), np.array(q), 101)
    np.testing.assert_allclose(precision.numpy(), expected_precision, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(recall.numpy(), expected_recall, rtol=1e-12, atol=1e-15)
    for beta in (8.0, 1.0, 1 / 8):
        assert f_beta(precision, recall, beta) == pytest.approx(
            _f(expected_precision, expected_recall, beta), rel=1e-12
        )


def test_half_the_modes_gives_full_precision_and_half_recall() -> None:
    # Q puts all its mass on half of P's modes: precision reaches 1 and recall 1/2, so
    # F_1/8 (precision-weighted) is near 1 and F_8 (recall-weighted) near 1/2.
    p, q = torch.full((4,), 0.25), torch.tensor([0.5, 0.5, 0.0, 0.0])
    precision, recall = prd_from_histograms(p, q)
    assert float(precision.max()) == pytest.approx(1.0)
    assert float(recall.max()) == pytest.approx(0.5)
    assert f_beta(precision, recall, 1 / 8) > 0.98
    assert f_beta(precision, recall, 8) == pytest.approx(65 * 0.5 / (64 + 0.5), abs=0.01)


def test_equal_histograms_reach_the_corner() -> None:
    histogram = torch.tensor([0.2, 0.3, 0.5])
    precision, recall = prd_from_histograms(histogram, histogram)
    assert f_beta(precision, recall, 8) == pytest.approx(1.0, abs=1e-6)
    assert f_beta(precision, recall, 1 / 8) == pytest.approx(1.0, abs=1e-6)


def test_kmeans_recovers_well_separated_clusters() -> None:
    generator = torch.Generator().manual_seed(0)
    centres = torch.randn(5, 8, generator=generator) * 20
    truth = torch.arange(5).repeat_interleave(60)
    points = centres[truth] + torch.randn(300, 8, generator=generator)
    labels = cluster_labels(points, 5, np.random.RandomState(1))
    # The same partition up to the clusters' names.
    pairs = set(zip(truth.tolist(), labels.tolist(), strict=True))
    assert len(pairs) == 5 and len({label for _, label in pairs}) == 5


def _blobs(seed: int, modes: list[int], per_mode: int = 100) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    centres = torch.randn(10, 16, generator=torch.Generator().manual_seed(99)) * 30
    index = torch.tensor(modes).repeat_interleave(per_mode)
    return centres[index] + torch.randn(len(index), 16, generator=generator)


def test_missing_modes_lower_recall_but_not_precision() -> None:
    real = _blobs(0, list(range(10)))
    fake = _blobs(1, list(range(5)), per_mode=200)
    precision, recall = prd(real, fake, clusters=10, runs=3)
    assert f_beta(precision, recall, 1 / 8) > 0.9
    assert f_beta(precision, recall, 8) < 0.6


def test_prd_reproduces_with_its_seed() -> None:
    real, fake = _blobs(2, list(range(10))), _blobs(3, list(range(8)))
    first = prd(real, fake, clusters=12, runs=1, seed=4)
    second = prd(real, fake, clusters=12, runs=1, seed=4)
    assert all(torch.equal(a, b) for a, b in zip(first, second, strict=True))


def test_more_clusters_than_samples_is_a_user_error() -> None:
    with pytest.raises(UserError, match="20 clusters"):
        prd(torch.zeros(5, 2), torch.zeros(5, 2), clusters=20)


def test_prd_metric_reports_both_f_scores_and_the_curve() -> None:
    real, fake = _blobs(5, list(range(10))), _blobs(6, list(range(10)))
    inputs = genbench.MetricInputs(real, fake, real, fake, genbench.LoadedData(real, "test"))
    result = PRD.compute(inputs, {"clusters": 10, "angles": 51, "runs": 2, "seed": 0})
    assert [c.key for c in PRD.columns] == ["prd_f8", "prd_f1_8"]
    curve = result["prd"]
    assert isinstance(curve, genbench.Curve)
    assert len(curve.x) == len(curve.y) == 51
    assert (curve.x_label, curve.y_label) == ("Recall", "Precision")
    assert result["prd_f8"] > 0.9 and result["prd_f1_8"] > 0.9
    assert math.isclose(curve.y[0], 0.0, abs_tol=1e-8) and math.isclose(
        curve.x[-1], 0, abs_tol=1e-8
    )
