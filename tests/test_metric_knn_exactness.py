"""The k-NN metrics decide every comparison as float64 does: equal to prdc, even at near-ties
that float32 distances cannot resolve."""

from __future__ import annotations

import math

import numpy as np
import prdc
import pytest
import torch

from genbench_metrics.balls import ball_hits
from genbench_metrics.density_coverage import density_coverage
from genbench_metrics.knn import knn_radii
from genbench_metrics.precision_recall import precision_recall


def _random(seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    generator = torch.Generator().manual_seed(seed)
    real = torch.randn(2000, 64, generator=generator)
    return real, torch.randn(2000, 64, generator=generator) * 1.05 + 0.05


def _clustered(seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Mixtures of 20 clusters of unequal spread; the generated one misses six of them and is
    a little wider and shifted, so that all four values are far from 0 and 1."""
    generator = torch.Generator().manual_seed(seed)
    centres = torch.randn(20, 32, generator=generator) * 4
    spread = torch.rand(20, 1, generator=generator) + 0.3
    real_modes = torch.randint(20, (2000,), generator=generator)
    fake_modes = torch.randint(14, (2000,), generator=generator)
    noise = torch.randn(2, 2000, 32, generator=generator)
    return (
        centres[real_modes] + spread[real_modes] * noise[0],
        centres[fake_modes] + 1.1 * spread[fake_modes] * noise[1] + 0.1,
    )


@pytest.mark.parametrize("sets", [_random, _clustered])
@pytest.mark.parametrize("k", [3, 5])
def test_all_four_values_equal_prdc(sets, k: int) -> None:
    real, fake = sets(k)
    # prdc on float64 copies of the same values, so that its distances are float64 ones.
    expected = prdc.compute_prdc(real.double().numpy(), fake.double().numpy(), nearest_k=k)
    precision, recall = precision_recall(real, fake, k)
    density, coverage = density_coverage(real, fake, k)
    values = {"precision": precision, "recall": recall, "density": density, "coverage": coverage}
    for name, value in values.items():
        assert value == pytest.approx(float(expected[name]), abs=1e-12), name
        assert 0.02 < value < 0.98 or name == "density", name  # a case where either could err


def _brute_radii(points: np.ndarray, k: int) -> np.ndarray:
    distances = np.linalg.norm(points[:, None] - points[None], axis=-1)
    np.fill_diagonal(distances, np.inf)
    return np.sort(distances, axis=1)[:, k - 1]


def _near_ties(seed: int, k: int) -> tuple[torch.Tensor, torch.Tensor, np.ndarray]:
    """Generated points placed on the boundaries of real balls, 1e-9 (relative) inside or
    outside: float32 distances (7 digits) cannot tell which, float64 ones can."""
    generator = np.random.default_rng(seed)
    real = generator.normal(size=(300, 32)) + 100.0  # far from the origin, as features are
    radii = _brute_radii(real, k)
    direction = generator.normal(size=(200, 32))
    direction /= np.linalg.norm(direction, axis=1, keepdims=True)
    side = np.where(np.arange(200) % 2 == 0, -1e-9, 1e-9)
    fake = real[:200] + direction * (radii[:200] * (1 + side))[:, None]
    return torch.from_numpy(real), torch.from_numpy(fake), radii


def test_radii_equal_float64_brute_force_at_near_ties() -> None:
    real, fake, radii = _near_ties(0, 3)
    np.testing.assert_allclose(knn_radii(real, 3).numpy(), radii, rtol=1e-13)
    both = torch.cat([real, fake])
    np.testing.assert_allclose(
        knn_radii(both, 3, chunk_rows=64).numpy(), _brute_radii(both.numpy(), 3), rtol=1e-13
    )


def test_ball_counts_at_near_ties_equal_float64_and_differ_from_float32() -> None:
    real, fake, radii = _near_ties(1, 3)
    distances = np.linalg.norm(real.numpy()[:, None] - fake.numpy()[None], axis=-1)
    truth = distances <= radii[:, None]
    hits = ball_hits(real, torch.from_numpy(radii), fake, chunk_rows=128)
    assert hits.per_other.tolist() == truth.sum(axis=0).tolist()
    assert hits.per_centre.tolist() == truth.any(axis=1).tolist()
    # float32 alone decides some of these pairs wrongly: the test has teeth.
    float32 = torch.cdist(real.float(), fake.float()) <= torch.from_numpy(radii).float()[:, None]
    assert (float32.numpy() != truth).any()


def test_near_ties_give_prdcs_values() -> None:
    real, fake, _ = _near_ties(2, 3)
    expected = prdc.compute_prdc(real.numpy(), fake.numpy(), nearest_k=3)
    assert precision_recall(real, fake, 3) == pytest.approx(
        (expected["precision"], expected["recall"]), abs=1e-12
    )
    assert density_coverage(real, fake, 3) == pytest.approx(
        (expected["density"], expected["coverage"]), abs=1e-12
    )


def test_equidistant_points_fall_back_to_full_float64_rows() -> None:
    # Every pair of scaled basis vectors is 3 sqrt(2) apart: no float32 gap separates the
    # k-th neighbour from the others, so every row is recomputed in full.
    points = torch.eye(40, dtype=torch.float64) * 3
    radii = knn_radii(points, 3, chunk_rows=16)
    assert torch.allclose(radii, torch.full((40,), 3 * math.sqrt(2), dtype=torch.float64))


def test_duplicates_are_each_others_neighbours_at_distance_zero() -> None:
    points = torch.tensor([[0.0, 0.0], [0.0, 0.0], [5.0, 0.0], [5.0, 1.0]])
    assert knn_radii(points, 1).tolist() == [0.0, 0.0, 1.0, 1.0]
