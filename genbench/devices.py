"""Device selection: "auto" prefers cuda, then mps, then cpu."""

from __future__ import annotations

import torch

from genbench.errors import UserError


def parse_device(name: str) -> torch.device | None:
    """The device a name asks for (None for "auto"), without checking it is present."""
    if name == "auto":
        return None
    try:
        device = torch.device(name)
    except RuntimeError:
        device = None
    if device is None or device.type not in {"cpu", "cuda", "mps"}:
        raise UserError(f"unknown device {name!r}; use auto, cpu, cuda, cuda:N or mps")
    return device


def resolve_device(name: str) -> torch.device:
    """The torch device for a spec's `device`; asking for one that is absent is a user error."""
    device = parse_device(name)
    if device is None:
        if torch.cuda.is_available():
            return torch.device("cuda")
        if torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    if device.type == "cuda" and not torch.cuda.is_available():
        raise UserError(f"device {name!r} requested but CUDA is not available; use --device cpu")
    if device.type == "cuda" and (device.index or 0) >= torch.cuda.device_count():
        count = torch.cuda.device_count()
        raise UserError(f"device {name!r} requested but only {count} CUDA device(s) are present")
    if device.type == "mps" and not torch.backends.mps.is_available():
        raise UserError(f"device {name!r} requested but MPS is not available; use --device cpu")
    return device
