"""Pieces the class-conditional networks share: the critic's class heads and SNGAN's
class-conditional batch norm.

A conditional critic computes features h of its input and a value w.h + b as an unconditional
one does, then either adds the projection of h on an embedding of the requested class
(Miyato & Koyama 2018: v = w.h + b + e_y.h, the discriminator of SNGAN-projection and
BigGAN) or returns class logits beside the value, for AC-GAN's auxiliary classifier
(Odena et al. 2017). `NetworkRequest` states the contract.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class ClassHead(nn.Module):
    """The conditional part of a critic's output, from its last features h (B, F).

    "projection": an embedding of each class (F numbers), spectrally normalised when the
    critic's other layers are (the reference's SNEmbedID), initialised as `init` asks;
    forward gives the value's term e_y.h, shaped (B,). "auxiliary": a linear map to class
    logits (B, K)."""

    def __init__(
        self,
        features: int,
        num_classes: int,
        conditioning: str,
        spectral_norm: bool = False,
    ) -> None:
        super().__init__()
        self.conditioning = conditioning
        layer: nn.Module
        if conditioning == "projection":
            layer = nn.Embedding(num_classes, features)
            nn.init.xavier_uniform_(layer.weight)
        else:
            layer = nn.Linear(features, num_classes)
        if spectral_norm:
            nn.utils.parametrizations.spectral_norm(layer)
        self.layer = layer

    def combine(self, value: torch.Tensor, h: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        """The critic's output from its unconditional value (B,) and features: the value plus
        the projection (B,), or the value and the class logits side by side (B, 1 + K)."""
        if self.conditioning == "projection":
            return value + (self.layer(labels) * h).sum(dim=1)
        return torch.cat((value.unsqueeze(1), self.layer(h)), dim=1)


class OneHotGenerator(nn.Module):
    """(z, labels) -> samples: a generator built for z and the class one-hot appended to it
    (latent + classes inputs), the conditional GAN of Mirza & Osindero (2014)."""

    def __init__(self, num_classes: int, generator: nn.Module) -> None:
        super().__init__()
        self.num_classes = num_classes
        self.body = generator

    def forward(self, z: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        one_hot = F.one_hot(labels, self.num_classes).to(z.dtype)
        samples: torch.Tensor = self.body(torch.cat((z, one_hot), dim=1))
        return samples


class CategoricalBatchNorm2d(nn.Module):
    """Batch norm whose gain and bias are looked up per class (de Vries et al. 2017; SNGAN's
    CategoricalConditionalBatchNormalization): gains start at 1 and biases at 0, as the
    unconditional layer's do."""

    def __init__(self, channels: int, num_classes: int) -> None:
        super().__init__()
        self.norm = nn.BatchNorm2d(channels, affine=False)
        self.gain = nn.Embedding(num_classes, channels)
        self.bias = nn.Embedding(num_classes, channels)
        nn.init.ones_(self.gain.weight)
        nn.init.zeros_(self.bias.weight)

    def forward(self, x: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        gain = self.gain(labels)[:, :, None, None]
        bias = self.bias(labels)[:, :, None, None]
        return self.norm(x) * gain + bias
