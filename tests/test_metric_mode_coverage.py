"""Mode coverage on the ring-8 protocol, with answers known in closed form."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
import torch

import genbench
from genbench.errors import UserError
from genbench_metrics.catalog import MODE_COVERAGE

SIGMA = 0.01
RING = [[math.cos(2 * math.pi * i / 8), math.sin(2 * math.pi * i / 8)] for i in range(8)]


def _within(radius_sigmas: float) -> float:
    """P(|z| <= r) for a 2-D standard normal z (chi-square with 2 degrees of freedom)."""
    return 1 - math.exp(-(radius_sigmas**2) / 2)


def _samples(counts: dict[int, int], seed: int = 0) -> torch.Tensor:
    """`counts[i]` draws from N(RING[i], SIGMA^2 I)."""
    generator = torch.Generator().manual_seed(seed)
    index = torch.cat([torch.full((n,), i) for i, n in counts.items()])
    return torch.tensor(RING)[index] + torch.randn(len(index), 2, generator=generator) * SIGMA


def _coverage(
    fake: torch.Tensor, info: dict[str, Any] | None = None, sigmas: float = 3.0
) -> dict[str, float]:
    real = _samples(dict.fromkeys(range(8), 100), seed=99)
    inputs = genbench.MetricInputs(
        real_features=real,
        fake_features=fake,
        real_samples=real,
        fake_samples=fake,
        data=genbench.LoadedData(
            train=real,
            source="test",
            info={"modes": RING, "sigma": SIGMA} if info is None else info,
        ),
    )
    return MODE_COVERAGE.compute(inputs, {"sigmas": sigmas})


def test_samples_of_the_mixture_cover_every_mode() -> None:
    result = _coverage(_samples(dict.fromkeys(range(8), 2000)))
    assert result["modes"] == 8
    assert result["high_quality"] == pytest.approx(_within(3.0), abs=0.005)
    assert result["reverse_kl"] == pytest.approx(0.0, abs=1e-3)


def test_radius_follows_the_sigmas_parameter() -> None:
    result = _coverage(_samples(dict.fromkeys(range(8), 2000)), sigmas=1.0)
    assert result["high_quality"] == pytest.approx(_within(1.0), abs=0.02)


def test_one_component_covers_one_mode_with_reverse_kl_log_8() -> None:
    result = _coverage(_samples({3: 1000}))
    assert result["modes"] == 1
    assert result["reverse_kl"] == pytest.approx(math.log(8), rel=1e-9)


def test_reverse_kl_of_a_lopsided_histogram() -> None:
    counts = {0: 500, 1: 300, 2: 200}
    gen = np.array([0.5, 0.3, 0.2])
    result = _coverage(torch.tensor(RING)[[i for i, n in counts.items() for _ in range(n)]])
    assert result["modes"] == 3 and result["high_quality"] == 1.0
    assert result["reverse_kl"] == pytest.approx(float((gen * np.log(gen * 8)).sum()), rel=1e-9)


def test_reverse_kl_uses_the_real_mode_weights_when_given() -> None:
    weights = [4, 2, 1, 1, 0, 0, 0, 0]
    fake = _samples(dict.fromkeys(range(4), 1000))
    result = _coverage(fake, info={"modes": RING, "sigma": SIGMA, "weights": weights})
    good = result["high_quality"] * len(fake)
    assert good == pytest.approx(4 * 1000 * _within(3.0), rel=0.02)
    gen = np.full(4, 0.25)
    expected = float((gen * np.log(gen / (np.array(weights[:4]) / 8))).sum())
    assert result["reverse_kl"] == pytest.approx(expected, abs=0.01)


def test_samples_far_from_every_mode_cover_nothing() -> None:
    result = _coverage(torch.full((500, 2), 10.0) + torch.randn(500, 2))
    assert result["modes"] == 0
    assert result["high_quality"] == 0.0
    assert math.isnan(result["reverse_kl"])


def test_dataset_without_modes_is_a_user_error() -> None:
    with pytest.raises(UserError, match="ring-8 or grid-25"):
        _coverage(_samples({0: 10}), info={})


def test_generated_mass_on_a_mode_the_real_data_lacks_keeps_reverse_kl_finite() -> None:
    weights = [1, 0, 0, 0, 0, 0, 0, 0]
    result = _coverage(_samples({1: 100}), info={"modes": RING, "sigma": SIGMA, "weights": weights})
    assert math.isfinite(result["reverse_kl"]) and result["reverse_kl"] > 20


def test_mode_total_variation_is_zero_for_the_mixture_and_analytic_for_half_its_modes() -> None:
    mixture = _coverage(_samples(dict.fromkeys(range(8), 20_000), seed=1))
    assert mixture["mode_tv"] == pytest.approx(0.0, abs=0.01)
    exact = torch.tensor(RING)[torch.arange(4).repeat(100)]  # on 4 modes exactly, evenly
    within = _within(3.0)
    # |1/4 - w/8| on 4 modes, w/8 on the 4 others, and the real share off the modes, halved.
    expected = 0.5 * (4 * (0.25 - within / 8) + 4 * within / 8 + (1 - within))
    assert _coverage(exact)["mode_tv"] == pytest.approx(expected, abs=1e-9)
    far = torch.full((50, 2), 10.0)
    assert _coverage(far)["mode_tv"] == pytest.approx(within, abs=1e-9)
