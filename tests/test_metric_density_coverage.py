"""Density and coverage (and the other k-NN values and FID) on sets with known answers."""

from __future__ import annotations

import pytest
import torch

import genbench
from genbench.api import feature_statistics
from genbench.errors import UserError
from genbench_metrics.catalog import DENSITY_COVERAGE
from genbench_metrics.density_coverage import density_coverage
from genbench_metrics.fid import frechet_distance
from genbench_metrics.precision_recall import precision_recall


def _gaussian(seed: int, n: int, dim: int, shift: float = 0.0) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(n, dim, generator=generator) + shift


@pytest.mark.parametrize("k", [3, 5])
def test_identical_sets_score_perfectly(k: int) -> None:
    features = _gaussian(0, 1000, 16)
    copy = features.clone()
    assert precision_recall(features, copy, k) == (1.0, 1.0)
    density, coverage = density_coverage(features, copy, k)
    assert coverage == 1.0
    # Each real ball holds its own centre and its k neighbours (no ties in continuous data),
    # so the balls hold N (k + 1) generated samples in all: density (k + 1) / k.
    assert density == pytest.approx((k + 1) / k, abs=1e-12)
    fid = frechet_distance(feature_statistics(features), feature_statistics(copy))
    assert fid == pytest.approx(0.0, abs=1e-8)


def test_far_apart_sets_score_zero() -> None:
    real, fake = _gaussian(1, 1000, 16), _gaussian(2, 1000, 16, shift=50.0)
    assert precision_recall(real, fake, 3) == (0.0, 0.0)
    assert density_coverage(real, fake, 3) == (0.0, 0.0)


def test_collapsed_generator_is_dense_but_covers_one_ball_region() -> None:
    # Every generated sample on one real point: density counts the balls holding that
    # point (so it is large), coverage only the real balls that hold it (a handful).
    real = _gaussian(3, 1000, 2)
    fake = real[:1].repeat(1000, 1)
    density, coverage = density_coverage(real, fake, 3)
    holding = int((torch.cdist(real[:1].double(), real.double())[0] > 0).sum())
    assert coverage < 0.02 and holding > 0
    assert density == pytest.approx(coverage * len(real) / 3, abs=1e-12)


def test_k_as_large_as_the_sample_count_is_a_user_error() -> None:
    with pytest.raises(UserError, match="density-coverage: k must be between 1 and 9"):
        density_coverage(_gaussian(4, 10, 2), _gaussian(5, 20, 2), k=10)


def test_k_below_one_is_rejected_by_the_parameter_check() -> None:
    (k,) = DENSITY_COVERAGE.params
    with pytest.raises(genbench.errors.ParamError, match="at least 1"):
        k.check(0, "evaluation.density-coverage.k")


def test_density_coverage_metric_reports_both_columns() -> None:
    real, fake = _gaussian(6, 300, 4), _gaussian(7, 300, 4, shift=0.5)
    inputs = genbench.MetricInputs(real, fake, real, fake, genbench.LoadedData(real, "test"))
    result = DENSITY_COVERAGE.compute(inputs, {"k": 5})
    assert [c.key for c in DENSITY_COVERAGE.columns] == ["density", "coverage"]
    assert (result["density"], result["coverage"]) == density_coverage(real, fake, 5)
