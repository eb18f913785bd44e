"""`mnist-mlp` and `toy-mlp`: fully connected pairs for any sample shape.

`mnist-mlp` is the seeds' MNIST pair (G 100-256-512-1024-784 with tanh, D 784-1024-512-256-1
with a raw output, LeakyReLU 0.2); `toy-mlp` is a small pair for 2-D point sets. Images get a
tanh output (they live in [-1, 1]); points a linear one, since mixtures keep their native
coordinates. Both share this builder and differ only in their registered defaults.

Conditional pairs (`NetworkRequest.num_classes`) are the conditional GAN of Mirza & Osindero
(2014) in G, the class one-hot appended to z, and a projection (or AC-GAN) head on D's last
hidden layer (`genbench_networks.conditional`).
"""

from __future__ import annotations

import itertools
import math

import torch
from torch import nn

from genbench.api.network import NetworkPair, NetworkRequest
from genbench_networks.conditional import ClassHead, OneHotGenerator
from genbench_networks.layers import widths


def _mlp(sizes: list[int], slope: float, batch_norm: bool = False) -> list[nn.Module]:
    layers: list[nn.Module] = []
    for i, (fan_in, fan_out) in enumerate(itertools.pairwise(sizes)):
        layers.append(nn.Linear(fan_in, fan_out))
        if i < len(sizes) - 2:
            if batch_norm:
                layers.append(nn.BatchNorm1d(fan_out))
            layers.append(nn.LeakyReLU(slope))
    return layers


class MLPGenerator(nn.Module):
    """z (B, latent) -> samples (B, *sample_shape); tanh keeps images in [-1, 1]."""

    def __init__(
        self,
        latent_dim: int,
        hidden: list[int],
        sample_shape: tuple[int, ...],
        slope: float = 0.2,
        batch_norm: bool = False,
    ) -> None:
        super().__init__()
        self.sample_shape = sample_shape
        layers = _mlp([latent_dim, *hidden, math.prod(sample_shape)], slope, batch_norm)
        if len(sample_shape) == 3:
            layers.append(nn.Tanh())
        self.net = nn.Sequential(*layers)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z).view(len(z), *self.sample_shape)


class MLPCritic(nn.Module):
    """inputs -> raw critic output v (B,); losses apply their own activation."""

    def __init__(self, hidden: list[int], input_shape: tuple[int, ...], slope: float = 0.2):
        super().__init__()
        self.net = nn.Sequential(*_mlp([math.prod(input_shape), *hidden, 1], slope))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x.flatten(1)).squeeze(1)


class ConditionalMLPCritic(nn.Module):
    """(inputs, labels) -> an `MLPCritic`'s value with a class head (`ClassHead`) on its last
    hidden layer's features."""

    def __init__(self, critic: MLPCritic, head: ClassHead) -> None:
        super().__init__()
        self.body = critic
        self.head = head

    def forward(self, x: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        h = self.body.net[:-1](x.flatten(1))
        return self.head.combine(self.body.net[-1](h).squeeze(1), h, labels)


def build(request: NetworkRequest) -> NetworkPair:
    params = request.params
    classes = request.num_classes
    critic_widths = widths(params["critic_widths"], "critic_widths")
    generator = MLPGenerator(
        request.latent_dim + classes,
        widths(params["generator_widths"], "generator_widths"),
        request.sample_shape,
        params["slope"],
        params["batch_norm"],
    )
    critic = MLPCritic(critic_widths, request.critic_shape, params["slope"])
    if not classes:
        return NetworkPair(generator, critic)
    head = ClassHead(critic_widths[-1], classes, request.conditioning)
    return NetworkPair(OneHotGenerator(classes, generator), ConditionalMLPCritic(critic, head))
