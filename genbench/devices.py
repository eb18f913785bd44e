"""Device selection: "auto" prefers cuda, then mps, then cpu.

Names are checked without torch, so a spec with a bad device is refused before torch loads.
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING

from genbench.errors import UserError

if TYPE_CHECKING:
    import torch

_DEVICE = re.compile(r"^(cpu|mps|cuda)(?::(\d+))?$")


def check_device_name(name: str) -> None:
    """Refuse a name that no machine could satisfy (the machine itself is not consulted)."""
    if name != "auto" and not _DEVICE.match(name):
        raise UserError(f"unknown device {name!r}; use auto, cpu, cuda, cuda:N or mps")


def parse_device(name: str) -> torch.device | None:
    """The device a name asks for (None for "auto"), without checking it is present."""
    check_device_name(name)
    if name == "auto":
        return None
    import torch

    return torch.device(name)


def resolve_device(name: str) -> torch.device:
    """The torch device for a spec's `device`; asking for one that is absent is a user error.
    In one of several ranks (LOCAL_RANK set by torchrun, or by a Slurm task's exported
    environment) a GPU is the rank's own: the node's LOCAL_RANK-th."""
    device = _present(name)
    if device.type != "cuda" or "LOCAL_RANK" not in os.environ:
        return device
    import torch

    local = torch.device("cuda", int(os.environ["LOCAL_RANK"]))
    torch.cuda.set_device(local)
    return local


def world_size() -> int:
    """How many ranks this process's launcher started (torchrun's, or a Slurm job's tasks
    once their environment is exported): WORLD_SIZE, 1 when unset."""
    return int(os.environ.get("WORLD_SIZE", "1"))


def _present(name: str) -> torch.device:
    import torch

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
