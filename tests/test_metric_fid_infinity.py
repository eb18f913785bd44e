"""FID-infinity against an analytic FID: two Gaussians, the real one given by its exact mean
and covariance, the generated one sampled.

The generated draws are independent: a random subset of them is then a sample of that size
too, so FID over subsets follows the 1/N line down to the truth. (Random subsets of one
quasi-random set are not quasi-random, while the whole set is: its FID falls below the line
and drags the intercept under the truth; docs/fid.md has the figures.)"""

from __future__ import annotations

import numpy as np
import pytest
import torch

import genbench
from genbench.api import FeatureStatistics, feature_statistics
from genbench.errors import UserError
from genbench_metrics.catalog import FID_INFINITY
from genbench_metrics.fid import frechet_distance
from genbench_metrics.fid_infinity import subset_sizes

DIM, SHIFT, SCALE = 128, 0.1, 1.2
TRUTH = DIM * SHIFT**2 + DIM * (1 - SCALE) ** 2
"""FID between N(0, I) and N(SHIFT, SCALE^2 I): |mu1 - mu2|^2 + sum (1 - SCALE)^2."""
REAL = FeatureStatistics(torch.zeros(DIM, dtype=torch.float64), torch.eye(DIM, dtype=torch.float64))


def gaussian(count: int, seed: int) -> torch.Tensor:
    """`count` draws of N(SHIFT, SCALE^2 I)."""
    generator = torch.Generator().manual_seed(seed)
    return SHIFT + SCALE * torch.randn(count, DIM, generator=generator, dtype=torch.float64)


def _inputs(fake: torch.Tensor) -> genbench.MetricInputs:
    empty = torch.empty(0, DIM)
    return genbench.MetricInputs(
        real_features=empty,
        fake_features=fake,
        real_samples=empty,
        fake_samples=fake,
        data=genbench.LoadedData(fake, "test"),
        real_statistics=REAL,
    )


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_fid_infinity_at_5000_samples_is_closer_to_the_truth_than_fid(seed: int) -> None:
    fake = gaussian(5000, seed)
    params = {"points": 15, "smallest": 0.1, "seed": 0}
    result = FID_INFINITY.compute(_inputs(fake), params)
    fid = frechet_distance(REAL, feature_statistics(fake))
    assert fid - TRUTH > 0.5  # FID at 5,000 samples: biased upward, as the paper says
    assert abs(result["fid_infinity"] - TRUTH) < (fid - TRUTH) / 3
    curve = result["fid_by_samples"]
    assert len(curve.x) == 15 and curve.x[-1] == pytest.approx(1 / 5000)
    assert curve.y[0] > curve.y[-1]  # fewer samples, larger FID


def test_the_fit_is_exact_on_fids_that_are_linear_in_one_over_n() -> None:
    sizes = subset_sizes(1000, 5, 0.1)
    assert sizes.tolist() == [100, 325, 550, 775, 1000]
    line = 2.5 + 40.0 / sizes
    slope, intercept = np.polyfit(1.0 / sizes, line, deg=1)
    assert intercept == pytest.approx(2.5) and slope == pytest.approx(40.0)


def test_too_few_samples_for_two_subset_sizes_is_a_user_error() -> None:
    with pytest.raises(UserError, match="raise \\[evaluation\\] samples"):
        subset_sizes(2, 15, 0.1)
