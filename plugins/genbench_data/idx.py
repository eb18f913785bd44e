"""MNIST-like IDX files read directly, gzipped or not.

The original sites and Debian's `dataset-fashion-mnist` ship the four files gzipped
(`train-images-idx3-ubyte.gz`, ...), while torchvision reads only uncompressed ones unless it
downloads them itself; so a data root holding the files as shipped is read here, and an
offline machine needs no `gunzip` step. The format: two zero bytes, a type code (0x08: unsigned
bytes), the number of dimensions, each dimension as a big-endian 32-bit integer, then the data.
"""

from __future__ import annotations

import gzip
import math
import struct
from pathlib import Path

import torch

from genbench_data.digits import Digits

UNSIGNED_BYTE = 0x08
SPLITS = {"train": "train", "test": "t10k"}
KINDS = {"images": ("idx3", 3), "labels": ("idx1", 1)}


class IdxError(ValueError):
    """A file is not the IDX file it should be; the message names it."""


def idx_path(raw: Path, split: str, kind: str) -> Path:
    """The uncompressed name torchvision reads, e.g. raw/train-images-idx3-ubyte."""
    return raw / f"{SPLITS[split]}-{kind}-{KINDS[kind][0]}-ubyte"


def gzipped_files(raw: Path) -> dict[str, Path] | None:
    """The four files by "<split>-<kind>", each uncompressed or else gzipped, where all four
    are there and at least one only gzipped (the case torchvision cannot read); else None."""
    found = {}
    for split in SPLITS:
        for kind in KINDS:
            plain = idx_path(raw, split, kind)
            gzipped = plain.with_name(plain.name + ".gz")
            found[f"{split}-{kind}"] = plain if plain.is_file() else gzipped
    paths = found.values()
    if all(path.is_file() for path in paths) and any(path.suffix == ".gz" for path in paths):
        return found
    return None


def read_digits(files: dict[str, Path], origin: str) -> Digits:
    """Both splits from the files `gzipped_files` found, as torchvision would give them."""
    arrays = {name: read_idx(path, KINDS[name.split("-")[1]][1]) for name, path in files.items()}
    for split in SPLITS:
        images, labels = arrays[f"{split}-images"], arrays[f"{split}-labels"]
        if len(images) != len(labels):
            message = f"{len(images)} {split} images but {len(labels)} labels"
            raise IdxError(f"{files[f'{split}-labels'].name}: {message}")
    return Digits(
        origin=origin,
        train_images=arrays["train-images"],
        train_labels=arrays["train-labels"].to(torch.int64),
        test_images=arrays["test-images"],
        test_labels=arrays["test-labels"].to(torch.int64),
    )


def read_idx(path: Path, dimensions: int) -> torch.Tensor:
    """The uint8 array in an IDX file (gunzipped on the fly for a .gz) with `dimensions`
    dimensions; IdxError if the file is not one."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as file:
        data = file.read()
    header = 4 + 4 * dimensions
    if len(data) < header or data[:4] != bytes((0, 0, UNSIGNED_BYTE, dimensions)):
        raise IdxError(f"{path.name}: not an IDX file of {dimensions}-d unsigned bytes")
    shape = struct.unpack(f">{dimensions}I", data[4:header])
    if len(data) - header != math.prod(shape):
        size = f"{len(data) - header} bytes of data for shape {shape}"
        raise IdxError(f"{path.name}: {size}; is it truncated?")
    return torch.frombuffer(bytearray(data[header:]), dtype=torch.uint8).reshape(shape)
