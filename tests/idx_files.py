"""Small files in the IDX format MNIST and Fashion-MNIST ship in, with pixels and labels whose
every value is known, for the dataset tests."""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

import numpy as np


def known_pixels(count: int, offset: int) -> np.ndarray:
    """Images whose every pixel value is known, covering 0 and 255 (the range's two ends)."""
    flat = (np.arange(count)[:, None] * 31 + np.arange(28 * 28)[None, :] + offset) % 256
    return flat.astype(np.uint8).reshape(count, 28, 28)


def known_labels(count: int, offset: int) -> np.ndarray:
    return ((np.arange(count) + offset) % 10).astype(np.uint8)


def write_idx(path: Path, array: np.ndarray, magic: int, gzipped: bool = False) -> None:
    """The idx format MNIST ships in: a big-endian magic number and sizes, then raw bytes;
    `gzipped` writes `path`.gz instead, as the original sites and Debian ship them."""
    data = struct.pack(f">{1 + array.ndim}i", magic, *array.shape) + array.tobytes()
    if gzipped:
        path.with_name(path.name + ".gz").write_bytes(gzip.compress(data))
    else:
        path.write_bytes(data)
