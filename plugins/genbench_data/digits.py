"""MNIST digits as stored on disk, whichever source provided them, and their conversion."""

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
    """uint8 pixels (N, 28, 28) as float32 images (N, 1, 28, 28) in [-1, 1] on `device`.

    The uint8 tensor is moved first: a quarter of the bytes of its float32 form cross the bus.
    """
    return pixels.to(device).unsqueeze(1).to(torch.float32).div(127.5).sub(1.0)
