"""The 2-D Gaussian mixtures `ring-8` and `grid-25`, generated with the published protocol.

PacGAN (Lin et al. 2018) fixes the protocol that mode-collapse tables report against: 8 modes
evenly on the unit circle with sigma 0.01, and 25 modes on {-4, -2, 0, 2, 4}^2 with sigma
0.05, equal weights. Points keep their native coordinates, so the 3-sigma radius of the mode
coverage metrics applies unchanged.
"""

from __future__ import annotations

import numpy as np
import torch

from genbench import DatasetRequest, LoadedData
from genbench_data.catalog import Modes


def sample_mixture(
    modes: torch.Tensor, sigma: float, count: int, generator: torch.Generator
) -> tuple[torch.Tensor, torch.Tensor]:
    """`count` points of the equal-weight mixture and the index of the mode each came from.

    Every mode gets the same number of points (up to one), in shuffled order: the mixture has
    equal weights, and stratifying makes the real mode histogram exactly uniform, so metrics
    that compare mode histograms carry no sampling noise from the reference side.
    """
    labels = torch.arange(count) % len(modes)
    labels = labels[torch.randperm(count, generator=generator)]
    noise = torch.randn(count, modes.shape[1], generator=generator)
    return modes[labels] + sigma * noise, labels


def load_mixture(request: DatasetRequest, *, name: str, modes: Modes, sigma: float) -> LoadedData:
    """Training and test points on the request's device, reproducible from the data's seed.

    Points are drawn on the CPU, so the data are the same whichever device trains. The two
    splits come from independent streams of the seed, so changing `samples` leaves the test
    points as they were.
    """
    samples, test_samples = request.params["samples"], request.params["test_samples"]
    seed = request.params["seed"]
    centres = torch.tensor(modes, dtype=torch.float32)
    train_stream, test_stream = _streams(seed, 2)
    train, train_labels = sample_mixture(centres, sigma, samples, train_stream)
    test, test_labels = sample_mixture(centres, sigma, test_samples, test_stream)
    device = request.device
    return LoadedData(
        train=train.to(device),
        source=(
            f"{name}: {len(modes)} Gaussian modes, sigma {sigma} (PacGAN protocol), "
            f"{samples} train / {test_samples} test points, seed {seed}"
        ),
        train_labels=train_labels.to(device),
        test=test.to(device),
        test_labels=test_labels.to(device),
        info={"modes": [list(mode) for mode in modes], "sigma": sigma},
    )


def _streams(seed: int, count: int) -> list[torch.Generator]:
    """`count` independent generators derived from one seed (numpy's SeedSequence spawning)."""
    children = np.random.SeedSequence(seed).spawn(count)
    return [
        torch.Generator().manual_seed(int(child.generate_state(1, np.uint64)[0]))
        for child in children
    ]
