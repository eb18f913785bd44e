"""FID against independent computations: scipy's sqrtm, torch-fidelity and closed forms."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg
import torch
from torch_fidelity.metric_fid import fid_features_to_statistics, fid_statistics_to_metric

import genbench
from genbench.api import FeatureStatistics, feature_statistics
from genbench.errors import UserError
from genbench_metrics.catalog import FID
from genbench_metrics.fid import frechet_distance


def _features(seed: int, n: int, dim: int, shift: float) -> np.ndarray:
    rng = np.random.default_rng(seed)
    mixing = rng.normal(size=(dim, dim)) / np.sqrt(dim)
    return rng.normal(size=(n, dim)) @ mixing + shift


def _scipy_fid(real: np.ndarray, fake: np.ndarray) -> float:
    mu1, mu2 = real.mean(axis=0), fake.mean(axis=0)
    s1, s2 = np.cov(real, rowvar=False), np.cov(fake, rowvar=False)
    covmean = scipy.linalg.sqrtm(s1 @ s2).real
    return float(((mu1 - mu2) ** 2).sum() + np.trace(s1 + s2 - 2 * covmean))


def _fid(real: np.ndarray, fake: np.ndarray) -> float:
    return frechet_distance(
        feature_statistics(torch.from_numpy(real)), feature_statistics(torch.from_numpy(fake))
    )


def test_fid_equals_scipy_sqrtm_formula() -> None:
    real, fake = _features(0, 600, 16, 0.0), _features(1, 500, 16, 0.3)
    assert _fid(real, fake) == pytest.approx(_scipy_fid(real, fake), rel=1e-4)


def test_fid_equals_torch_fidelity_on_the_same_features() -> None:
    real, fake = _features(2, 800, 32, 0.0), _features(3, 700, 32, -0.2)
    stats = [fid_features_to_statistics(torch.from_numpy(x)) for x in (real, fake)]
    expected = fid_statistics_to_metric(*stats, verbose=False)["frechet_inception_distance"]
    assert _fid(real, fake) == pytest.approx(expected, rel=1e-4)


def test_statistics_are_torch_fidelitys_unbiased_mean_and_covariance() -> None:
    features = torch.from_numpy(_features(4, 300, 8, 1.0))
    fit = feature_statistics(features)
    expected = fid_features_to_statistics(features)
    assert fit.mean.dtype == fit.covariance.dtype == torch.float64 and fit.count == 300
    np.testing.assert_allclose(fit.mean.numpy(), expected["mu"], rtol=1e-12)
    np.testing.assert_allclose(fit.covariance.numpy(), expected["sigma"], rtol=1e-10, atol=1e-14)


def test_identical_sets_have_zero_fid() -> None:
    features = _features(5, 400, 24, 2.0)
    assert _fid(features, features) == pytest.approx(0.0, abs=1e-8)


def test_gaussians_with_commuting_covariances_match_closed_form() -> None:
    # With S1 = Q diag(a) Q^T and S2 = Q diag(b) Q^T, (S1 S2)^{1/2} = Q diag(sqrt(ab)) Q^T,
    # so FID = |mu1 - mu2|^2 + sum (sqrt(a) - sqrt(b))^2.
    rng = np.random.default_rng(6)
    rotation, _ = np.linalg.qr(rng.normal(size=(10, 10)))
    a, b = rng.uniform(0.1, 3.0, 10), rng.uniform(0.1, 3.0, 10)
    mu1, mu2 = rng.normal(size=10), rng.normal(size=10)
    sigma1, sigma2 = rotation * a @ rotation.T, rotation * b @ rotation.T
    expected = ((mu1 - mu2) ** 2).sum() + ((np.sqrt(a) - np.sqrt(b)) ** 2).sum()
    first = FeatureStatistics(torch.from_numpy(mu1), torch.from_numpy(sigma1))
    value = frechet_distance(
        first, FeatureStatistics(torch.from_numpy(mu2), torch.from_numpy(sigma2))
    )
    assert value == pytest.approx(expected, rel=1e-10)


def test_fid_of_samples_approaches_the_gaussians_closed_form() -> None:
    generator = torch.Generator().manual_seed(7)
    real = torch.randn(20000, 4, generator=generator, dtype=torch.float64)
    fake = torch.randn(20000, 4, generator=generator, dtype=torch.float64) * 2.0 + 1.0
    # N(0, I) against N(1, 4 I) in 4-D: 4 * 1^2 + 4 * (1 - 2)^2 = 8.
    assert _fid(real.numpy(), fake.numpy()) == pytest.approx(8.0, rel=0.03)


def test_rank_deficient_covariances_give_a_real_nonnegative_fid() -> None:
    # Fewer samples than dimensions: the product of covariances is singular, where sqrtm
    # on it returns complex parts. The eigendecomposition route stays real and agrees with
    # torch-fidelity's eigenvalue route.
    real, fake = _features(8, 40, 64, 0.0), _features(9, 40, 64, 0.1)
    value = _fid(real, fake)
    stats = [fid_features_to_statistics(torch.from_numpy(x)) for x in (real, fake)]
    expected = fid_statistics_to_metric(*stats, verbose=False)["frechet_inception_distance"]
    assert np.isfinite(value) and value >= 0
    assert value == pytest.approx(expected, rel=1e-4)


def test_fid_metric_reads_the_feature_sets() -> None:
    real, fake = _features(10, 300, 8, 0.0), _features(11, 300, 8, 0.5)
    inputs = genbench.MetricInputs(
        real_features=torch.from_numpy(real).float(),
        fake_features=torch.from_numpy(fake).float(),
        real_samples=torch.zeros(300, 2),
        fake_samples=torch.zeros(300, 2),
        data=genbench.LoadedData(train=torch.zeros(300, 2), source="test"),
    )
    result = FID.compute(inputs, {})
    assert set(result) == {column.key for column in FID.columns} == {"fid"}
    assert result["fid"] == pytest.approx(_scipy_fid(real, fake), rel=1e-4)


def test_fid_of_a_single_sample_is_a_user_error() -> None:
    with pytest.raises(UserError, match="at least 2 samples"):
        feature_statistics(torch.zeros(1, 3))
