"""`cifar10`: CIFAR-10 (Krizhevsky 2009), 3x32x32, through torchvision's on-disk format.

The data root holds `cifar-10-batches-py/` as the official python archive unpacks it (five
`data_batch_N` pickles and `test_batch`, each a dict of `data`, N x 3072 uint8 in channel-major
order, and `labels`); torchvision downloads and unpacks it there when it is missing and a
download is allowed. The batches are read here rather than through torchvision's class, which
insists on the official checksums, so a local subset works too. No offline stand-in exists:
without the files, loading fails with one line saying where to put them.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import torch

from genbench import DatasetRequest, LoadedData, UserError
from genbench_data.digits import Digits
from genbench_data.mnist import to_loaded
from genbench_data.network import socket_timeout
from genbench_data.torchvision_mnist import DOWNLOAD_TIMEOUT_S

FOLDER = "cifar-10-batches-py"
TRAIN_BATCHES = tuple(f"data_batch_{i}" for i in range(1, 6))
TEST_BATCH = "test_batch"


def _missing(folder: Path) -> list[str]:
    return [name for name in (*TRAIN_BATCHES, TEST_BATCH) if not (folder / name).is_file()]


def _download(root: Path) -> None:
    from torchvision.datasets import CIFAR10

    with socket_timeout(DOWNLOAD_TIMEOUT_S):
        CIFAR10(root=root, train=True, download=True)


def _read_batches(folder: Path, names: tuple[str, ...]) -> tuple[torch.Tensor, torch.Tensor]:
    """uint8 images (N, 3, 32, 32) and int64 labels from the named pickle batches."""
    images, labels = [], []
    for name in names:
        with open(folder / name, "rb") as file:
            batch = pickle.load(file, encoding="latin1")  # the official format is a pickle
        images.append(np.asarray(batch["data"], dtype=np.uint8).reshape(-1, 3, 32, 32))
        labels.extend(batch["labels"])
    return torch.from_numpy(np.concatenate(images)), torch.tensor(labels, dtype=torch.int64)


def read_cifar10(root: Path, download: bool) -> Digits:
    folder = root / FOLDER
    missing = _missing(folder)
    if missing and download:
        try:
            _download(root)
        except (RuntimeError, OSError) as exc:
            detail = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
            missing = [f"{', '.join(missing)}; download failed: {detail}"]
        else:
            missing = _missing(folder)
    if missing:
        raise UserError(
            f"CIFAR-10 not found under {folder} (missing {', '.join(missing)}); go online with "
            f"download = true, or unpack cifar-10-python.tar.gz into {root}"
        )
    train_images, train_labels = _read_batches(folder, TRAIN_BATCHES)
    test_images, test_labels = _read_batches(folder, (TEST_BATCH,))
    return Digits(f"CIFAR-10 from {folder}", train_images, train_labels, test_images, test_labels)


def load_cifar10(request: DatasetRequest) -> LoadedData:
    images = read_cifar10(request.data_root, request.params["download"])
    return to_loaded(images, request, request.params["limit"])
