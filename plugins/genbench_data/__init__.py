"""Built-in datasets: MNIST (with an offline fallback), Fashion-MNIST, CIFAR-10, a folder of
your own images and the 2-D Gaussian mixtures.

Written exactly as a third-party plugin would be: it uses only genbench's public API and is
published through the `genbench` entry-point group.
"""

from __future__ import annotations

from collections.abc import Callable

import genbench
from genbench_data.catalog import (
    CIFAR10_DATASET,
    FASHION_MNIST_DATASET,
    IMAGE_FOLDER_DATASET,
    MIXTURE_DATASETS,
    MNIST_DATASET,
)


@genbench.hookimpl
def genbench_register_datasets(register: Callable[[genbench.Dataset], None]) -> None:
    datasets = (MNIST_DATASET, FASHION_MNIST_DATASET, CIFAR10_DATASET, IMAGE_FOLDER_DATASET)
    for dataset in (*datasets, *MIXTURE_DATASETS):
        register(dataset)
