"""Two interleaved half circles: the upper one centred at (0, 0), the lower one at (1, 0.5),
both of radius 1, each point on a uniformly drawn angle, plus Gaussian noise."""

from __future__ import annotations

import math

import torch

import genbench


def moons(count: int, noise: float, generator: torch.Generator) -> torch.Tensor:
    angles = torch.rand(count, generator=generator, dtype=torch.float64) * math.pi
    lower = torch.arange(count) % 2 == 1
    x = torch.where(lower, 1 - torch.cos(angles), torch.cos(angles))
    y = torch.where(lower, 0.5 - torch.sin(angles), torch.sin(angles))
    points = torch.stack((x, y), dim=1)
    return (
        points + noise * torch.randn(count, 2, generator=generator, dtype=torch.float64)
    ).float()


def load_moons(request: genbench.DatasetRequest) -> genbench.LoadedData:
    params = request.params
    generator = torch.Generator().manual_seed(params["seed"])
    train = moons(params["samples"], params["noise"], generator)
    test = moons(max(2, params["samples"] // 5), params["noise"], generator)
    return genbench.LoadedData(
        train=train.to(request.device),
        test=test.to(request.device),
        source=f"two moons, noise {params['noise']}, seed {params['seed']}",
    )
