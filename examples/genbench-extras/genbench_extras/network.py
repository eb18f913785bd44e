"""`two-layer`: one hidden layer of `width` ReLU units in both networks, for any sample shape.

The generator maps z (B, latent) to (B, *sample_shape): images live in [-1, 1], so for images
it ends in tanh; points keep their native coordinates (ring-8 has radius 2), so for points it
ends in the linear layer. The critic maps its inputs (B, *critic_shape) to one raw value each,
(B,), with no final activation: the divergence applies its own. `critic_shape` differs from
`sample_shape` when a model packs m samples per critic input (PacGAN), so the critic is sized
from it."""

from __future__ import annotations

import math

import torch
from torch import nn

import genbench


class Generator(nn.Module):
    def __init__(self, latent_dim: int, width: int, sample_shape: tuple[int, ...]) -> None:
        super().__init__()
        self.sample_shape = sample_shape
        images = len(sample_shape) == 3
        self.net = nn.Sequential(
            nn.Linear(latent_dim, width),
            nn.ReLU(),
            nn.Linear(width, math.prod(sample_shape)),
            nn.Tanh() if images else nn.Identity(),
        )

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z).view(len(z), *self.sample_shape)


class Critic(nn.Module):
    def __init__(self, width: int, critic_shape: tuple[int, ...]) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(math.prod(critic_shape), width), nn.ReLU(), nn.Linear(width, 1)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x.flatten(1)).squeeze(1)


def build(request: genbench.NetworkRequest) -> genbench.NetworkPair:
    width = request.params["width"]
    generator = Generator(request.latent_dim, width, request.sample_shape)
    return genbench.NetworkPair(generator, Critic(width, request.critic_shape))
