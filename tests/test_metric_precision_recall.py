"""Improved precision/recall against brute force, prdc, and cases with known answers."""

from __future__ import annotations

import numpy as np
import prdc
import pytest
import torch

import genbench
from genbench.errors import UserError
from genbench_metrics.catalog import PRECISION_RECALL
from genbench_metrics.knn import knn_radii
from genbench_metrics.precision_recall import manifold_membership, precision_recall


def _brute_force(real: np.ndarray, fake: np.ndarray, k: int) -> tuple[float, float]:
    def distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.sqrt(((a[:, None, :] - b[None, :, :]) ** 2).sum(axis=-1))

    def radii(x: np.ndarray) -> np.ndarray:
        d = distances(x, x)
        np.fill_diagonal(d, np.inf)
        return np.sort(d, axis=1)[:, k - 1]

    precision = (distances(fake, real) <= radii(real)[None, :]).any(axis=1).mean()
    recall = (distances(real, fake) <= radii(fake)[None, :]).any(axis=1).mean()
    return float(precision), float(recall)


def _gaussian(seed: int, n: int, dim: int, shift: float = 0.0) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(n, dim, generator=generator) + shift


@pytest.mark.parametrize("k", [3, 5])
def test_precision_recall_equal_brute_force(k: int) -> None:
    real, fake = _gaussian(0, 400, 4), _gaussian(1, 300, 4, shift=1.0)
    result = precision_recall(real, fake, k)
    assert result == _brute_force(real.double().numpy(), fake.double().numpy(), k)
    assert min(result) > 0.1 and max(result) < 0.95  # a case where either could be wrong


def test_precision_recall_equal_prdc() -> None:
    real, fake = _gaussian(2, 500, 8), _gaussian(3, 500, 8, shift=0.4)
    expected = prdc.compute_prdc(real.numpy(), fake.numpy(), nearest_k=3)
    precision, recall = precision_recall(real, fake, 3)
    assert precision == pytest.approx(expected["precision"], abs=1e-12)
    assert recall == pytest.approx(expected["recall"], abs=1e-12)


def test_radii_do_not_depend_on_chunking() -> None:
    points = _gaussian(4, 250, 3)
    expected = np.sort(np.linalg.norm(points[:, None] - points[None], axis=-1), axis=1)[:, 3]
    for rows in (7, 64, 1024):
        np.testing.assert_allclose(knn_radii(points, 3, chunk_rows=rows).numpy(), expected, 1e-5)


def test_samples_of_the_same_distribution_score_near_one() -> None:
    precision, recall = precision_recall(_gaussian(5, 2000, 2), _gaussian(6, 2000, 2), k=3)
    assert precision > 0.9 and recall > 0.9


def test_identical_sets_score_exactly_one() -> None:
    features = _gaussian(7, 500, 16)
    assert precision_recall(features, features.clone(), k=3) == (1.0, 1.0)


def test_collapsed_generator_has_full_precision_and_no_recall() -> None:
    real = _gaussian(8, 1000, 2)
    fake = torch.zeros(1000, 2)  # every sample the same point, in the middle of the data
    assert precision_recall(real, fake, k=3) == (1.0, 0.0)


def test_generator_covering_a_corner_has_high_precision_and_low_recall() -> None:
    # Swapping real and fake would give the opposite: low precision, full recall.
    generator = torch.Generator().manual_seed(9)
    real = torch.rand(2000, 2, generator=generator)
    fake = torch.rand(2000, 2, generator=generator) * 0.3
    precision, recall = precision_recall(real, fake, k=3)
    assert precision > 0.95
    assert recall < 0.2


def test_membership_counts_the_ball_boundary_as_inside() -> None:
    points = torch.tensor([[0.0, 0.0], [10.0, 0.0]])
    radii = torch.tensor([1.0, 0.5])
    queries = torch.tensor([[1.0, 0.0], [1.01, 0.0], [10.0, 0.5], [5.0, 0.0]])
    assert manifold_membership(queries, points, radii).tolist() == [True, False, True, False]


def test_k_as_large_as_the_sample_count_is_a_user_error() -> None:
    with pytest.raises(UserError, match="k must be between 1 and 9"):
        precision_recall(_gaussian(10, 10, 2), _gaussian(11, 20, 2), k=10)


def test_precision_recall_metric_reports_both_columns() -> None:
    real, fake = _gaussian(12, 300, 4), _gaussian(13, 300, 4, shift=0.5)
    inputs = genbench.MetricInputs(
        real_features=real,
        fake_features=fake,
        real_samples=real,
        fake_samples=fake,
        data=genbench.LoadedData(train=real, source="test"),
    )
    result = PRECISION_RECALL.compute(inputs, {"k": 5})
    assert [c.key for c in PRECISION_RECALL.columns] == ["precision", "recall"]
    assert (result["precision"], result["recall"]) == _brute_force(
        real.double().numpy(), fake.double().numpy(), 5
    )
