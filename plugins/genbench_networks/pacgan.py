"""`pacgan-mlp`: the networks of PacGAN's (Lin et al. 2018) and VEEGAN's synthetic experiments.

Checked against the authors' public code (github.com/fjxmlzn/PacGAN,
synthetic_data_experiments/2DRing_GAN&PacGAN and 2DGrid_GAN&PacGAN: config.py and
pacgan_task.py), not copied from it:

- G: z (2-D, N(0, I): num_zdim 2, one z mode of std 1) -> four hidden layers of 400 units,
  each linear without bias, batch norm, ReLU -> a linear output with bias (Identity);
- D: three maxout layers (LinearMaxout) of 200 units with 5 pieces each, the first taking the
  m packed samples concatenated along the features (input 2 m) -> linear to one logit;
- weights N(0, 0.02^2), biases 0; Adam lr 1e-4, beta1 0.8; batch 100; the GAN loss with
  softplus (non-saturating generator); batch-norm population statistics averaged with
  momentum 0.05, which `nn.BatchNorm1d(momentum=0.05)` reproduces.

The optimiser, batch and loss are the model's, not the network's: the shipped toy specs set
them per entry. One difference: their batch of 100 counts packed critic inputs (100 m
samples), genbench's `batch_size` counts samples (a multiple of m).
"""

from __future__ import annotations

import math

import torch
from torch import nn

from genbench.api.network import NetworkPair, NetworkRequest
from genbench_networks.layers import normal_init

BATCH_NORM_MOMENTUM = 0.05


class Maxout(nn.Module):
    """A linear map to `units x pieces` values and the maximum over each unit's pieces
    (Goodfellow et al. 2013); pieces of one unit are adjacent, as in Blocks' LinearMaxout."""

    def __init__(self, fan_in: int, units: int, pieces: int) -> None:
        super().__init__()
        self.units, self.pieces = units, pieces
        self.linear = nn.Linear(fan_in, units * pieces)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.linear(x).view(len(x), self.units, self.pieces).amax(dim=2)


class PacGANGenerator(nn.Module):
    def __init__(
        self, latent_dim: int, width: int, depth: int, batch_norm: bool, shape: tuple[int, ...]
    ) -> None:
        super().__init__()
        self.sample_shape = shape
        layers: list[nn.Module] = []
        fan_in = latent_dim
        for _ in range(depth):
            layers.append(nn.Linear(fan_in, width, bias=not batch_norm))
            if batch_norm:
                layers.append(nn.BatchNorm1d(width, momentum=BATCH_NORM_MOMENTUM))
            layers.append(nn.ReLU())
            fan_in = width
        layers.append(nn.Linear(fan_in, math.prod(shape)))
        if len(shape) == 3:
            layers.append(nn.Tanh())
        self.net = nn.Sequential(*layers)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z).view(len(z), *self.sample_shape)


class PacGANCritic(nn.Module):
    def __init__(self, shape: tuple[int, ...], width: int, depth: int, pieces: int) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        fan_in = math.prod(shape)
        for _ in range(depth):
            layers.append(Maxout(fan_in, width, pieces))
            fan_in = width
        layers.append(nn.Linear(fan_in, 1))
        self.net = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x.flatten(1)).squeeze(1)


def build(request: NetworkRequest) -> NetworkPair:
    p = request.params
    generator = PacGANGenerator(
        request.latent_dim, p["width"], p["depth"], p["batch_norm"], request.sample_shape
    )
    critic = PacGANCritic(request.critic_shape, p["critic_width"], p["critic_depth"], p["pieces"])
    return NetworkPair(normal_init(generator, p["init_std"]), normal_init(critic, p["init_std"]))
