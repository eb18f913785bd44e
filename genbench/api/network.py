"""The network contract: a registered family builds a generator and a critic.

A network family is chosen by a model's `network` parameter and configured by its
`network_params` table, so any GAN-style model trains on any registered network. This module
imports no torch at run time: a family registers its description and parameters here and
names its heavy builder with `genbench.api.lazy.lazy("pkg.module:build")`, so listing the
networks never imports torch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from genbench.api.params import Param

if TYPE_CHECKING:
    from torch import nn


@dataclass(frozen=True)
class NetworkRequest:
    """What a builder is asked for.

    `sample_shape` is one sample as the generator must make it; `critic_shape` is one input of
    the critic, which differs when the model packs m samples per critic input (PacGAN): m times
    the channels of an image (C, H, W) -> (m C, H, W), or m times the features of a point
    (D,) -> (m D,). A critic returns one raw value per input, shaped (B,).

    `num_classes` > 0 asks a conditional pair (only of a family registered `conditional`):
    G takes (z, labels) and D (inputs, labels), labels int64 shaped (B,). With `conditioning`
    "projection" D adds the projection of its features on a class embedding to its value
    (Miyato & Koyama 2018) and returns (B,); with "auxiliary" D ignores the labels and returns
    (B, 1 + num_classes): its value, then class logits (AC-GAN, Odena et al. 2017).
    """

    sample_shape: tuple[int, ...]
    critic_shape: tuple[int, ...]
    latent_dim: int
    params: dict[str, Any]
    num_classes: int = 0
    conditioning: str = "projection"


def packed_shape(sample_shape: tuple[int, ...], packing: int) -> tuple[int, ...]:
    """One critic input when a model packs `packing` samples per critic input: the samples
    concatenated along their first axis (channels of an image, features of a point)."""
    return (sample_shape[0] * packing, *sample_shape[1:])


@dataclass(frozen=True)
class NetworkPair:
    """A built generator (z (B, latent) -> samples (B, *sample_shape)) and critic
    (inputs (B, *critic_shape) -> raw values (B,)).

    `before_generator_step`, if set, is called after G's backward pass and before its
    optimiser step, on true (unscaled) gradients: a regulariser that acts on gradients goes
    there (BigGAN's orthogonal regularisation)."""

    generator: nn.Module
    critic: nn.Module
    before_generator_step: Callable[[], None] | None = None


@dataclass(frozen=True)
class Network:
    """A registered network family; `latent_dim` is its latent size unless a model sets one.

    `build` raises a `genbench.UserError` for a sample shape the family cannot make (say which
    shapes it can). `conditional` says it builds class-conditional pairs (`NetworkRequest`).
    """

    name: str
    description: str
    build: Callable[[NetworkRequest], NetworkPair]
    params: tuple[Param, ...] = ()
    latent_dim: int = 100
    conditional: bool = False
