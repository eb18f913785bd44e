"""The 2-D mixtures follow the PacGAN protocol and are reproducible from their own seed."""

from __future__ import annotations

import math
from itertools import product
from pathlib import Path

import pytest
import torch

from genbench import DatasetRequest, LoadedData
from genbench.api.params import resolve_params
from genbench.errors import UserError
from genbench_data.catalog import MIXTURE_DATASETS

DATASETS = {dataset.name: dataset for dataset in MIXTURE_DATASETS}
HALF_SQRT2 = math.sqrt(0.5)
EXPECTED_MODES = {
    "ring-8": [
        (1, 0),
        (HALF_SQRT2, HALF_SQRT2),
        (0, 1),
        (-HALF_SQRT2, HALF_SQRT2),
        (-1, 0),
        (-HALF_SQRT2, -HALF_SQRT2),
        (0, -1),
        (HALF_SQRT2, -HALF_SQRT2),
    ],
    "grid-25": list(product([-4, -2, 0, 2, 4], repeat=2)),
}
EXPECTED_SIGMA = {"ring-8": 0.01, "grid-25": 0.05}
DEVICES = ["cpu", "meta"] + (["cuda"] if torch.cuda.is_available() else [])


def load(name: str, device: str = "cpu", **params: object) -> LoadedData:
    dataset = DATASETS[name]
    resolved = resolve_params(dataset.params, params, f"dataset {name!r}")
    return dataset.load(DatasetRequest(resolved, torch.device(device), Path("unused")))


@pytest.fixture(scope="module", params=sorted(DATASETS))
def mixture(request: pytest.FixtureRequest) -> tuple[str, LoadedData]:
    """Each mixture at its default size, loaded once for the statistical checks."""
    return request.param, load(request.param)


def test_mixture_is_float32_points_with_mode_labels(mixture: tuple[str, LoadedData]) -> None:
    name, data = mixture
    modes = len(EXPECTED_MODES[name])
    assert data.train.shape == (50_000, 2) and data.test.shape == (10_000, 2)
    assert data.train.dtype == data.test.dtype == torch.float32
    assert data.train_labels.shape == (50_000,) and data.test_labels.shape == (10_000,)
    assert data.train_labels.dtype == data.test_labels.dtype == torch.int64
    assert set(data.train_labels.unique().tolist()) == set(range(modes))
    assert not data.is_image and data.fallback is None


def test_modes_and_sigma_are_the_published_ones(mixture: tuple[str, LoadedData]) -> None:
    name, data = mixture
    assert data.info["sigma"] == EXPECTED_SIGMA[name]
    assert [len(mode) for mode in data.info["modes"]] == [2] * len(EXPECTED_MODES[name])
    flat = [coordinate for mode in data.info["modes"] for coordinate in mode]
    expected = [coordinate for mode in EXPECTED_MODES[name] for coordinate in mode]
    assert flat == pytest.approx(expected, abs=1e-12)


def test_points_lie_around_their_labelled_mode_with_spread_sigma(
    mixture: tuple[str, LoadedData],
) -> None:
    name, data = mixture
    modes = torch.tensor(EXPECTED_MODES[name], dtype=torch.float32)
    sigma = EXPECTED_SIGMA[name]
    for points, labels in ((data.train, data.train_labels), (data.test, data.test_labels)):
        assert torch.equal(torch.cdist(points, modes).argmin(dim=1), labels)
        for k in range(len(modes)):
            offsets = points[labels == k] - modes[k]
            standard_errors = 4 / math.sqrt(len(offsets))  # of the mean, in units of sigma
            assert offsets.mean(dim=0).abs().max() < standard_errors * sigma
            spread = offsets.std(dim=0).tolist()
            assert spread == pytest.approx([sigma, sigma], rel=standard_errors / math.sqrt(2))


def test_every_mode_gets_an_equal_share_of_points(mixture: tuple[str, LoadedData]) -> None:
    name, data = mixture
    modes = len(EXPECTED_MODES[name])
    for labels in (data.train_labels, data.test_labels):
        counts = torch.bincount(labels, minlength=modes)
        assert counts.max() - counts.min() <= 1
        assert counts.sum() == len(labels)


def test_uneven_sizes_still_share_points_across_modes_within_one() -> None:
    counts = torch.bincount(load("ring-8", samples=1001).train_labels, minlength=8)
    assert sorted(counts.tolist()) == [125] * 7 + [126]


@pytest.mark.parametrize("device", DEVICES)
def test_points_are_on_the_requested_device(device: str) -> None:
    data = load("grid-25", device, samples=100, test_samples=50)
    for tensor in (data.train, data.train_labels, data.test, data.test_labels):
        assert tensor.device.type == device


def test_same_seed_gives_identical_data() -> None:
    first, second = load("grid-25", samples=2000, seed=7), load("grid-25", samples=2000, seed=7)
    assert torch.equal(first.train, second.train) and torch.equal(first.test, second.test)
    assert torch.equal(first.train_labels, second.train_labels)


def test_different_seed_gives_different_data() -> None:
    first, second = load("ring-8", samples=2000, seed=0), load("ring-8", samples=2000, seed=1)
    assert not torch.allclose(first.train, second.train)
    assert not torch.allclose(first.test, second.test)


def test_test_points_do_not_depend_on_the_training_size() -> None:
    small, large = load("ring-8", samples=100), load("ring-8", samples=5000)
    assert torch.equal(small.test, large.test)
    assert not torch.equal(small.train, large.train[:100])


@pytest.mark.parametrize(("param", "value"), [("samples", 0), ("test_samples", 0), ("seed", -1)])
def test_out_of_range_sizes_and_seeds_are_user_errors(param: str, value: int) -> None:
    with pytest.raises(UserError, match=f"{param}: must be at least"):
        load("ring-8", **{param: value})
