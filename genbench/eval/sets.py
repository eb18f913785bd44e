"""Sample sets from disk for `genbench eval`: image folders, image tensors or feature tensors.

Every set becomes genbench's own layout, so extractors and metrics see exactly what a sweep
gives them: images as float32 (N, C, H, W) in [-1, 1] with C = 1 or 3, features as float32
(N, D). The value range of image tensors follows one rule, decided by dtype and values:

- uint8: pixels in [0, 255];
- floating point with no negative value and none above 1: [0, 1];
- any other floating point: [-1, 1] (values outside it are an error).

A float set in [-1, 1] that happens to hold no negative value would be read as [0, 1]; save
such images as uint8 to be unambiguous. Bad input is a `UserError` naming the option and path.

A folder of images is read in batches (`SampleSet.batches`), never whole: its headers are
checked first (one mode, one size), then each batch is decoded when asked for, so evaluating
50,000 images holds one batch of them and their features, not the images.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from PIL import Image, UnidentifiedImageError

from genbench.errors import UserError, first_line

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
TENSOR_SUFFIXES = (".npy", ".pt")
GRAYSCALE_MODES = ("1", "L", "LA", "I", "I;16", "F")


@dataclass(frozen=True)
class SampleSet:
    """A set in genbench's layout, `count` samples of `shape` each, read by `read(start,
    stop)`; `description` says what was read, for the output."""

    read: Callable[[int, int], torch.Tensor]
    count: int
    shape: tuple[int, ...]
    is_features: bool
    description: str

    @property
    def values(self) -> torch.Tensor:
        """The whole set at once: for sets already in memory, or metrics that need samples."""
        return self.read(0, self.count)

    def batches(self, size: int) -> Iterator[torch.Tensor]:
        for start in range(0, self.count, size):
            yield self.read(start, min(start + size, self.count))


def in_memory(values: torch.Tensor, is_features: bool, description: str) -> SampleSet:
    return SampleSet(
        lambda start, stop: values[start:stop],
        len(values),
        tuple(values.shape[1:]),
        is_features,
        description,
    )


def load_set(path: Path, option: str) -> SampleSet:
    """The set at `path` (a folder of images, or a .npy / .pt tensor); `option` names the
    command-line option in errors."""
    where = f"{option} {path}"
    if path.is_dir():
        return _read_folder(path, where)
    if not path.exists():
        raise UserError(f"{where}: no such file or folder")
    if path.suffix.lower() not in TENSOR_SUFFIXES:
        raise UserError(f"{where}: expected a folder of PNG/JPEG images, a .npy or a .pt file")
    return from_tensor(_read_tensor(path, where), where)


def check_pair(real: SampleSet, fake: SampleSet) -> None:
    """Both sets must be of one kind and shape, or no metric between them means anything."""
    kinds = ("images", "features")
    if real.is_features != fake.is_features:
        raise UserError(
            f"--real holds {kinds[real.is_features]} but --fake holds {kinds[fake.is_features]}; "
            f"give both as images or both as features"
        )
    noun = "feature dimensions" if real.is_features else "image shapes"
    if real.shape != fake.shape:
        raise UserError(f"{noun} differ: --real {real.shape}, --fake {fake.shape}")


def from_tensor(values: torch.Tensor, where: str) -> SampleSet:
    """A tensor as features (N, D) or images (N, C, H, W) in genbench's layout."""
    shape = tuple(values.shape)
    if values.dim() not in (2, 4):
        raise UserError(
            f"{where}: expected images (N, C, H, W) or features (N, D), got shape {shape}"
        )
    if shape[0] == 0 or values.numel() == 0:
        raise UserError(f"{where}: the set is empty (shape {shape})")
    if values.dtype == torch.bool or values.is_complex():
        raise UserError(f"{where}: expected numbers, got {values.dtype}")
    if values.dim() == 2:
        features = values.float()
        _check_finite(features, where)
        return in_memory(features, True, f"{shape[0]} feature vectors of dimension {shape[1]}")
    if shape[1] not in (1, 3):
        hint = "; it looks channels-last, transpose it" if shape[-1] in (1, 3) else ""
        raise UserError(f"{where}: images need 1 or 3 channels (N, C, H, W), got {shape}{hint}")
    images, value_range = _to_unit_range(values, where)
    size = "x".join(map(str, shape[1:]))
    return in_memory(images, False, f"{shape[0]} images {size}, read as {value_range}")


def _to_unit_range(values: torch.Tensor, where: str) -> tuple[torch.Tensor, str]:
    if values.dtype == torch.uint8:
        return values.float().div(127.5).sub(1), "uint8 [0, 255]"
    if not values.is_floating_point():
        raise UserError(f"{where}: integer images must be uint8 (0-255), got {values.dtype}")
    images = values.float()
    _check_finite(images, where)
    low, high = float(images.min()), float(images.max())
    if low >= 0 and high <= 1:
        return images.mul(2).sub(1), "float [0, 1]"
    if low >= -1 and high <= 1:
        return images, "float [-1, 1]"
    raise UserError(
        f"{where}: float images must lie in [-1, 1] or [0, 1], got values in "
        f"[{low:.4g}, {high:.4g}]; save 0-255 pixels as uint8"
    )


def _check_finite(values: torch.Tensor, where: str) -> None:
    if not torch.isfinite(values).all():
        raise UserError(f"{where}: holds NaN or infinite values")


def _read_tensor(path: Path, where: str) -> torch.Tensor:
    try:
        if path.suffix.lower() == ".npy":
            return torch.from_numpy(np.load(path, allow_pickle=False))
        loaded = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # a damaged file fails anywhere in the unpickler (IndexError, ...)
        raise UserError(f"{where}: cannot read it ({first_line(exc)})") from None
    if not isinstance(loaded, torch.Tensor):
        raise UserError(f"{where}: expected one tensor, found {type(loaded).__name__}")
    return loaded


def _read_folder(folder: Path, where: str) -> SampleSet:
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
    if not files:
        raise UserError(f"{where}: no PNG or JPEG images in this folder")
    size, grayscale = None, True
    for path in files:
        with _open(path, where) as image:  # the header only: nothing is decoded here
            size = size or image.size
            if image.size != size:
                raise UserError(
                    f"{where}: images differ in size: {files[0].name} is {size[0]}x{size[1]}, "
                    f"{path.name} is {image.size[0]}x{image.size[1]}; resize them to one size"
                )
            grayscale = grayscale and image.mode in GRAYSCALE_MODES
    mode = "L" if grayscale else "RGB"
    assert size is not None
    shape = (1 if grayscale else 3, size[1], size[0])

    def read(start: int, stop: int) -> torch.Tensor:
        arrays = []
        for path in files[start:stop]:
            with _open(path, where) as image:
                try:
                    arrays.append(np.asarray(image.convert(mode), dtype=np.uint8))
                except OSError as exc:  # a damaged file whose header was readable
                    message = f"{where}: cannot read {path.name} ({first_line(exc)})"
                    raise UserError(message) from None
        pixels = torch.from_numpy(np.stack(arrays))
        pixels = pixels.unsqueeze(1) if grayscale else pixels.permute(0, 3, 1, 2)
        return pixels.float().div(127.5).sub(1)

    size_text = "x".join(map(str, shape))
    return SampleSet(
        read, len(files), shape, False, f"{len(files)} images {size_text} from a folder"
    )


def _open(path: Path, where: str) -> Image.Image:
    """The image opened lazily (PIL reads the header; pixels when converted)."""
    try:
        return Image.open(path)
    except (UnidentifiedImageError, OSError) as exc:
        raise UserError(f"{where}: cannot read {path.name} ({first_line(exc)})") from None
