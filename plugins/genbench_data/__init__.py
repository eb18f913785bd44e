"""Built-in datasets: MNIST (with an offline fallback) and the 2-D Gaussian mixtures.

Written exactly as a third-party plugin would be: it uses only genbench's public API and is
published through the `genbench` entry-point group.
"""

from __future__ import annotations

from collections.abc import Callable

import genbench
from genbench_data.catalog import MIXTURE_DATASETS, MNIST_DATASET


@genbench.hookimpl
def genbench_register_datasets(register: Callable[[genbench.Dataset], None]) -> None:
    for dataset in (MNIST_DATASET, *MIXTURE_DATASETS):
        register(dataset)
