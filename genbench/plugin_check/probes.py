"""The small inputs items are probed on: 2-D points of a Gaussian mixture and random images
of the two layouts the built-in datasets have, each with labels and a test split, so that
anything a sweep hands an item (labels to a classifier, modes to a mode metric) is there.

The data is drawn from a fixed seed: a feature extractor that caches what it learns (keyed by
the data's fingerprint) caches one small model for the probe, not one per check."""

from __future__ import annotations

import math

import torch

from genbench.api.data import LoadedData

PROBE_SIZE = 256
PROBE_TEST_SIZE = 64
IMAGE_SHAPES = ((1, 28, 28), (3, 32, 32))
MIXTURE_MODES = 8
MIXTURE_RADIUS = 2.0
MIXTURE_SIGMA = 0.02
CLASSES = 10
SEED = 0


def probe_sets() -> list[LoadedData]:
    """Points first, then images: an item is tried on each until its probes are exhausted."""
    generator = torch.Generator().manual_seed(SEED)
    return [_points(generator), *(_images(shape, generator) for shape in IMAGE_SHAPES)]


def describe(data: LoadedData) -> str:
    kind = "images" if data.is_image else "points"
    return f"{kind} {data.sample_shape}"


def _points(generator: torch.Generator) -> LoadedData:
    """A ring of Gaussians with the facts a mixture dataset gives (`info` modes and sigma)."""
    angles = torch.arange(MIXTURE_MODES) * (2 * math.pi / MIXTURE_MODES)
    modes = MIXTURE_RADIUS * torch.stack([angles.cos(), angles.sin()], dim=1)

    def draw(count: int) -> tuple[torch.Tensor, torch.Tensor]:
        labels = torch.randint(MIXTURE_MODES, (count,), generator=generator)
        noise = MIXTURE_SIGMA * torch.randn(count, 2, generator=generator)
        return modes[labels] + noise, labels

    train, train_labels = draw(PROBE_SIZE)
    test, test_labels = draw(PROBE_TEST_SIZE)
    info = {"modes": modes.tolist(), "sigma": MIXTURE_SIGMA}
    return LoadedData(train, "probe points", train_labels, test, test_labels, info=info)


def _images(shape: tuple[int, ...], generator: torch.Generator) -> LoadedData:
    def draw(count: int) -> tuple[torch.Tensor, torch.Tensor]:
        images = torch.rand(count, *shape, generator=generator) * 2 - 1
        return images, torch.randint(CLASSES, (count,), generator=generator)

    train, train_labels = draw(PROBE_SIZE)
    test, test_labels = draw(PROBE_TEST_SIZE)
    return LoadedData(train, f"probe images {shape}", train_labels, test, test_labels)
