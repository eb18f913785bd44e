"""Device selection: "auto" prefers cuda, then mps, then cpu."""

from __future__ import annotations

import torch

from genbench.errors import UserError


def resolve_device(name: str) -> torch.device:
    """The torch device for a spec's `device`; asking for one that is absent is a user error."""
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    try:
        device = torch.device(name)
    except RuntimeError:
        raise UserError(f"unknown device {name!r}; use auto, cpu, cuda, cuda:N or mps") from None
    if device.type == "cuda" and not torch.cuda.is_available():
        raise UserError(f"device {name!r} requested but CUDA is not available; use --device cpu")
    if device.type == "mps" and not torch.backends.mps.is_available():
        raise UserError(f"device {name!r} requested but MPS is not available; use --device cpu")
    if device.type not in {"cpu", "cuda", "mps"}:
        raise UserError(f"unsupported device {name!r}; use auto, cpu, cuda, cuda:N or mps")
    return device
