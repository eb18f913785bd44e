"""MNIST-like images (MNIST, Fashion-MNIST) as stored on disk, whichever source provided them,
and their conversion."""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class Digits:
    """Both splits as uint8 pixels (N, 28, 28) and int64 labels, plus where they came from.

    Readers return raw pixels so that the scaling to [-1, 1] exists once, whatever the source.
    """

    origin: str
    train_images: torch.Tensor
    train_labels: torch.Tensor
    test_images: torch.Tensor
    test_labels: torch.Tensor


def to_unit_range(pixels: torch.Tensor, device: torch.device) -> torch.Tensor:
    """uint8 pixels (N, H, W) or (N, C, H, W) as float32 images (N, C, H, W) in [-1, 1] on
    `device`.

    The uint8 tensor is moved first: a quarter of the bytes of its float32 form cross the bus.
    """
    pixels = pixels.to(device)
    if pixels.dim() == 3:
        pixels = pixels.unsqueeze(1)
    return pixels.to(torch.float32).div(127.5).sub(1.0)
