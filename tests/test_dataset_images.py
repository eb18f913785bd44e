"""Fashion-MNIST, CIFAR-10 and image folders load from files the tests write in the formats
on disk (IDX, CIFAR's python pickles, PNGs); missing data fails in one line, never silently."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pytest
import torch

from genbench import DatasetRequest, LoadedData
from genbench.api.params import resolve_params
from genbench.errors import UserError
from genbench_data import image_folder
from genbench_data.catalog import CIFAR10_DATASET, FASHION_MNIST_DATASET, IMAGE_FOLDER_DATASET
from tests.idx_files import known_labels, known_pixels, write_idx


def load(dataset, root: Path, **params: object) -> LoadedData:
    resolved = resolve_params(dataset.params, params, dataset.name)
    return dataset.load(DatasetRequest(resolved, torch.device("cpu"), root))


def pixels_of(images: torch.Tensor) -> torch.Tensor:
    return ((images + 1) * 127.5).round().to(torch.uint8)


def test_fashion_mnist_reads_its_idx_files(tmp_path: Path):
    raw = tmp_path / "FashionMNIST" / "raw"
    raw.mkdir(parents=True)
    for prefix, count, offset in (("train", 12, 0), ("t10k", 4, 5)):
        write_idx(raw / f"{prefix}-images-idx3-ubyte", known_pixels(count, offset), 2051)
        write_idx(raw / f"{prefix}-labels-idx1-ubyte", known_labels(count, offset), 2049)
    data = load(FASHION_MNIST_DATASET, tmp_path, download=False, limit=10)
    assert data.train.shape == (10, 1, 28, 28) and data.test.shape == (4, 1, 28, 28)
    assert torch.equal(pixels_of(data.train)[:, 0], torch.from_numpy(known_pixels(12, 0)[:10]))
    assert data.train_labels.tolist() == known_labels(12, 0)[:10].tolist()
    assert data.fallback is None and "FashionMNIST" in data.source and "10 of 12" in data.source


def test_fashion_mnist_missing_fails_in_one_line(tmp_path: Path):
    with pytest.raises(UserError) as caught:
        load(FASHION_MNIST_DATASET, tmp_path, download=False)
    message = str(caught.value)
    assert "\n" not in message and str(tmp_path / "FashionMNIST" / "raw") in message


def write_cifar(root: Path, per_batch: int = 3) -> list[tuple[np.ndarray, list[int]]]:
    """CIFAR-10's python batches: dicts of `data` (N, 3072 = R plane, G plane, B plane)."""
    folder = root / "cifar-10-batches-py"
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    everything = []
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        data = rng.integers(0, 256, (per_batch, 3072), dtype=np.uint8)
        labels = rng.integers(0, 10, per_batch).tolist()
        with open(folder / name, "wb") as file:
            pickle.dump({"data": data, "labels": labels, "batch_label": name}, file)
        everything.append((data, labels))
    return everything


def test_cifar10_reads_the_python_batches_channel_major(tmp_path: Path):
    batches = write_cifar(tmp_path)
    data = load(CIFAR10_DATASET, tmp_path, download=False)
    assert data.train.shape == (15, 3, 32, 32) and data.test.shape == (3, 3, 32, 32)
    first = batches[0][0][1]  # the second image of the first batch
    pixels = pixels_of(data.train)[1]
    assert torch.equal(pixels[0].flatten(), torch.from_numpy(first[:1024]))  # red plane
    assert torch.equal(pixels[2].flatten(), torch.from_numpy(first[2048:]))  # blue plane
    assert data.train_labels.tolist() == [label for _, labels in batches[:5] for label in labels]
    assert data.train.min() >= -1 and data.train.max() <= 1


def test_cifar10_missing_fails_in_one_line(tmp_path: Path):
    with pytest.raises(UserError, match="CIFAR-10 not found") as caught:
        load(CIFAR10_DATASET, tmp_path, download=False)
    assert "\n" not in str(caught.value) and "data_batch_1" in str(caught.value)


COLOURS = [(255, 0, 0), (0, 128, 255), (10, 200, 30)]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Solid-colour PNGs of different sizes (one in a subfolder): resizing keeps the colour."""
    from PIL import Image

    images = tmp_path / "images"
    (images / "sub").mkdir(parents=True)
    for i, (colour, size) in enumerate(zip(COLOURS, [(20, 12), (8, 8), (40, 50)], strict=True)):
        path = images / ("sub" if i == 2 else "") / f"{i}.png"
        Image.new("RGB", size, colour).save(path)
    (images / "notes.txt").write_text("not an image")
    return images


def test_image_folder_loads_every_image_resized(folder: Path, tmp_path: Path):
    data = load(IMAGE_FOLDER_DATASET, tmp_path / "root", path=str(folder), size=6, channels=3)
    assert data.train.shape == (3, 3, 6, 6) and data.test is None
    for image, colour in zip(pixels_of(data.train), COLOURS, strict=True):
        assert image.flatten(1).float().mean(1).round().tolist() == list(colour)
    grey = load(IMAGE_FOLDER_DATASET, tmp_path / "root", path=str(folder), size=4, channels=1)
    assert grey.train.shape == (3, 1, 4, 4)
    assert str(folder) in grey.source


def test_image_folder_decodes_once(folder: Path, tmp_path: Path, monkeypatch):
    root = tmp_path / "root"
    first = load(IMAGE_FOLDER_DATASET, root, path=str(folder), size=5)
    assert len(list((root / "image-folder").glob("*.pt"))) == 1

    def no_decoding(*args: object) -> None:
        raise AssertionError("decoded again")

    monkeypatch.setattr(image_folder, "decode", no_decoding)
    assert torch.equal(
        load(IMAGE_FOLDER_DATASET, root, path=str(folder), size=5).train, first.train
    )


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({}, "needs path"),
        ({"path": "/no/such/folder"}, "does not exist"),
        ({"max_gb": 1e-9}, "above max_gb"),
    ],
)
def test_image_folder_errors_are_one_line(folder: Path, tmp_path: Path, params, fragment):
    given = {"path": str(folder), **params} if params != {} else {}
    with pytest.raises(UserError, match=fragment) as caught:
        load(IMAGE_FOLDER_DATASET, tmp_path, **given)
    assert "\n" not in str(caught.value)


def test_image_folder_without_images_says_so(tmp_path: Path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(UserError, match="no images"):
        load(IMAGE_FOLDER_DATASET, tmp_path, path=str(tmp_path / "empty"))
