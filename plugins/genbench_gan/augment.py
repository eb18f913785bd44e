"""Differentiable augmentation of every critic input (DiffAugment, Zhao et al. 2020) and its
adaptive strength (ADA, Karras et al. 2020), for GANs trained on little data.

A critic that sees only augmented images, real and generated alike, cannot memorise the few
real ones, and because every transform is differentiable the generator's gradient passes
through it: G is still trained to make un-augmented images. The transforms and their sizes
are the authors' (mit-han-lab/data-efficient-gans): colour (brightness shifted by U(-0.5,
0.5), saturation scaled by U(0, 2), contrast by U(0.5, 1.5), on [-1, 1] images), translation
by up to 1/8 of the side with zero padding, and cutout of a square half the side, each drawn
per sample.

ADA applies each transform to each sample with probability p, and moves p every few critic
steps by the sign of the critic's outputs on real samples: E[sign D(x)] above the target
(0.6) means D tells real from fake by memorising, so p rises; p goes from 0 to 1 in
`ada_images` real images at the fastest (the paper's 500,000).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

TRANSLATION_RATIO = 1 / 8
CUTOUT_RATIO = 1 / 2


@dataclass(frozen=True)
class AugmentSettings:
    """What an entry's `augment` table asks for; `ada_target` 0 applies every transform to
    every sample (DiffAugment), else its probability adapts (ADA)."""

    policy: tuple[str, ...]
    ada_target: float = 0.0
    ada_images: int = 500_000
    ada_interval: int = 4


def brightness(x: torch.Tensor) -> torch.Tensor:
    return x + (torch.rand(len(x), 1, 1, 1, device=x.device, dtype=x.dtype) - 0.5)


def saturation(x: torch.Tensor) -> torch.Tensor:
    mean = x.mean(dim=1, keepdim=True)
    return (x - mean) * (2 * torch.rand(len(x), 1, 1, 1, device=x.device, dtype=x.dtype)) + mean


def contrast(x: torch.Tensor) -> torch.Tensor:
    mean = x.mean(dim=(1, 2, 3), keepdim=True)
    factor = torch.rand(len(x), 1, 1, 1, device=x.device, dtype=x.dtype) + 0.5
    return (x - mean) * factor + mean


def color(x: torch.Tensor) -> torch.Tensor:
    return contrast(saturation(brightness(x)))


def largest_shift(side: int) -> int:
    """The most pixels translation moves an image of `side` (4 at 32, as the authors')."""
    return int(side * TRANSLATION_RATIO + 0.5)


def cutout_size(side: int) -> int:
    """The side of cutout's square (16 at 32, as the authors')."""
    return int(side * CUTOUT_RATIO + 0.5)


def translation(x: torch.Tensor) -> torch.Tensor:
    """Each image moved by whole pixels in [-s, s] along each axis, zeros shifted in."""
    batch, _, height, width = x.shape
    shifts = [largest_shift(height), largest_shift(width)]
    rows = _shifted_indices(batch, height, shifts[0], x.device)
    cols = _shifted_indices(batch, width, shifts[1], x.device)
    padded = nn.functional.pad(x, (1, 1, 1, 1))  # index 0 and side + 1 read the zero border
    index = torch.arange(batch, device=x.device)[:, None, None]
    moved = padded.permute(0, 2, 3, 1)[index, rows[:, :, None], cols[:, None, :]]
    return moved.permute(0, 3, 1, 2)


def _shifted_indices(batch: int, side: int, shift: int, device: torch.device) -> torch.Tensor:
    """Per image, the padded index each output pixel reads: i + 1 - t, or the border."""
    offsets = torch.randint(-shift, shift + 1, (batch, 1), device=device)
    positions = torch.arange(side, device=device)[None, :] + 1 - offsets
    return positions.clamp(0, side + 1)


def cutout(x: torch.Tensor) -> torch.Tensor:
    """Each image with a square of half its side set to 0, centred anywhere on it (clipped
    at the edges)."""
    batch, _, height, width = x.shape
    inside = []
    for side in (height, width):
        extent = cutout_size(side)
        centre = torch.randint(0, side + (1 - extent % 2), (batch, 1), device=x.device)
        start = centre - extent // 2
        coords = torch.arange(side, device=x.device)[None, :]
        inside.append((coords >= start) & (coords < start + extent))
    square = inside[0][:, :, None] & inside[1][:, None, :]
    return x * (~square).unsqueeze(1).to(x.dtype)


TRANSFORMS = {"color": color, "translation": translation, "cutout": cutout}


class AugmentedCritic(nn.Module):
    """Wraps a critic: every batch it judges is augmented first, sample by sample, with
    probability `p` (1 without ADA; a buffer, so checkpoints keep it)."""

    def __init__(self, critic: nn.Module, settings: AugmentSettings) -> None:
        super().__init__()
        self.critic = critic
        self.settings = settings
        adaptive = settings.ada_target > 0
        self.p: torch.Tensor
        self.register_buffer("p", torch.tensor(0.0 if adaptive else 1.0))
        # ADA's tally since its last adjustment: sum of signs, values, images, observations; a
        # buffer, so a resumed run adjusts p where an uninterrupted one would.
        self.tally: torch.Tensor
        self.register_buffer("tally", torch.zeros(4, dtype=torch.float64))
        self._observed: int | None = 0  # the tally's observations, as the host counts them

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.critic(self.augment(x))

    def augment(self, x: torch.Tensor) -> torch.Tensor:
        adaptive = self.settings.ada_target > 0  # decided by settings: p is never read back
        for name in self.settings.policy:
            changed = TRANSFORMS[name](x)
            if not adaptive:
                x = changed
                continue
            chosen = torch.rand(len(x), 1, 1, 1, device=x.device) < self.p
            x = torch.where(chosen, changed, x)
        return x

    @torch.no_grad()
    def observe(self, real_values: torch.Tensor, images: int) -> None:
        """ADA's controller: the critic's values on `images` real samples of one step. It
        reads nothing back from the device (a GPU step stays asynchronous): the observations
        are counted on the host too, and p moves by a sign computed where the values are."""
        if self.settings.ada_target <= 0:
            return
        self.tally[0] += real_values.detach().sign().sum()
        self.tally[1] += len(real_values)  # Python numbers: no copy to the device, no wait
        self.tally[2] += images
        self.tally[3] += 1
        if self._observed is None:  # a checkpoint was loaded: its count, read once
            self._observed = int(self.tally[3].item())
        else:
            self._observed += 1
        if self._observed < self.settings.ada_interval:
            return
        signs, values, seen = self.tally[0], self.tally[1], self.tally[2]
        direction = torch.where(signs / values > self.settings.ada_target, 1.0, -1.0)
        self.p.copy_((self.p + direction * seen / self.settings.ada_images).clamp(0.0, 1.0))
        self.tally.zero_()
        self._observed = 0

    def _load_from_state_dict(self, *args: Any, **kwargs: Any) -> None:
        super()._load_from_state_dict(*args, **kwargs)
        self._observed = None
