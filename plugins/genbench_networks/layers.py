"""Pieces the network families share: weight initialisation and checked width lists."""

from __future__ import annotations

import torch
from torch import nn

from genbench import UserError

_NORMS = (nn.BatchNorm1d, nn.BatchNorm2d, nn.GroupNorm)


@torch.no_grad()
def normal_init(module: nn.Module, std: float) -> nn.Module:
    """DCGAN's initialisation, which PacGAN's code also uses: every linear and convolution
    weight from N(0, std^2), normalisation gains from N(1, std^2), all biases 0. std = 0
    keeps torch's defaults."""
    if std <= 0:
        return module
    for layer in module.modules():
        if isinstance(layer, nn.Linear | nn.Conv2d | nn.ConvTranspose2d):
            nn.init.normal_(layer.weight, 0.0, std)
        elif isinstance(layer, _NORMS) and layer.weight is not None:
            nn.init.normal_(layer.weight, 1.0, std)
        else:
            continue
        if layer.bias is not None:
            nn.init.zeros_(layer.bias)
    return module


def widths(value: list[object], key: str) -> list[int]:
    """A list of layer widths, checked: every item a positive integer."""
    valid = [w for w in value if isinstance(w, int) and not isinstance(w, bool) and w > 0]
    if not value or len(valid) != len(value):
        message = f"expected a list of positive integers, got {value!r}"
        raise UserError(f"network_params.{key}: {message}")
    return valid
