"""Network families shared by the GAN-style models.

`mnist-mlp` is the seeds' MNIST pair (G 100-256-512-1024-784 with tanh, D 784-1024-512-256-1
with a raw logit, LeakyReLU 0.2); `toy-mlp` is a small pair for 2-D point sets (linear output,
since mixtures keep their native coordinates).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import torch
from torch import nn


@dataclass(frozen=True)
class NetworkFamily:
    generator_hidden: tuple[int, ...]
    critic_hidden: tuple[int, ...]
    latent_dim: int


FAMILIES = {
    "mnist-mlp": NetworkFamily((256, 512, 1024), (1024, 512, 256), latent_dim=100),
    "toy-mlp": NetworkFamily((128, 128, 128), (128, 128, 128), latent_dim=8),
}


def _mlp(sizes: list[int], slope: float) -> list[nn.Module]:
    layers: list[nn.Module] = []
    for i, (fan_in, fan_out) in enumerate(itertools.pairwise(sizes)):
        layers.append(nn.Linear(fan_in, fan_out))
        if i < len(sizes) - 2:
            layers.append(nn.LeakyReLU(slope))
    return layers


class MLPGenerator(nn.Module):
    """z (B, latent) -> samples (B, *sample_shape); tanh keeps images in [-1, 1]."""

    def __init__(
        self, latent_dim: int, hidden: tuple[int, ...], sample_shape: tuple[int, ...], image: bool
    ) -> None:
        super().__init__()
        self.sample_shape = sample_shape
        layers = _mlp([latent_dim, *hidden, math.prod(sample_shape)], slope=0.2)
        if image:
            layers.append(nn.Tanh())
        self.net = nn.Sequential(*layers)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z).view(len(z), *self.sample_shape)


class MLPCritic(nn.Module):
    """samples -> raw critic output v (B,); losses apply their own activation."""

    def __init__(self, hidden: tuple[int, ...], sample_shape: tuple[int, ...]) -> None:
        super().__init__()
        self.net = nn.Sequential(*_mlp([math.prod(sample_shape), *hidden, 1], slope=0.2))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x.flatten(1)).squeeze(1)


def family_for(name: str, sample_shape: tuple[int, ...]) -> NetworkFamily:
    """The named family; "auto" picks mnist-mlp for images and toy-mlp for point sets."""
    if name == "auto":
        name = "mnist-mlp" if len(sample_shape) == 3 else "toy-mlp"
    return FAMILIES[name]


def build_networks(
    name: str, sample_shape: tuple[int, ...], latent_dim: int | None
) -> tuple[MLPGenerator, MLPCritic, int]:
    """Generator, critic and the latent size actually used (the family's unless given)."""
    family = family_for(name, sample_shape)
    latent = latent_dim or family.latent_dim
    image = len(sample_shape) == 3
    generator = MLPGenerator(latent, family.generator_hidden, sample_shape, image)
    return generator, MLPCritic(family.critic_hidden, sample_shape), latent
