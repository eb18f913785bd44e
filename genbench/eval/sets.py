"""Sample sets from disk for `genbench eval`: image folders, image tensors or feature tensors.

Every set becomes genbench's own layout, so extractors and metrics see exactly what a sweep
gives them: images as float32 (N, C, H, W) in [-1, 1] with C = 1 or 3, features as float32
(N, D). The value range of image tensors follows one rule, decided by dtype and values:

- uint8: pixels in [0, 255];
- floating point with no negative value and none above 1: [0, 1];
- any other floating point: [-1, 1] (values outside it are an error).

A float set in [-1, 1] that happens to hold no negative value would be read as [0, 1]; save
such images as uint8 to be unambiguous. Bad input is a `UserError` naming the option and path.
"""

from __future__ import annotations

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
    """A set in genbench's layout; `description` says what was read, for the output."""

    values: torch.Tensor
    is_features: bool
    description: str


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
    real_shape, fake_shape = tuple(real.values.shape[1:]), tuple(fake.values.shape[1:])
    if real_shape != fake_shape:
        raise UserError(f"{noun} differ: --real {real_shape}, --fake {fake_shape}")


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
        return SampleSet(features, True, f"{shape[0]} feature vectors of dimension {shape[1]}")
    if shape[1] not in (1, 3):
        hint = "; it looks channels-last, transpose it" if shape[-1] in (1, 3) else ""
        raise UserError(f"{where}: images need 1 or 3 channels (N, C, H, W), got {shape}{hint}")
    images, value_range = _to_unit_range(values, where)
    size = "x".join(map(str, shape[1:]))
    return SampleSet(images, False, f"{shape[0]} images {size}, read as {value_range}")


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
    opened = [_open(path, where) for path in files]
    mode = "L" if all(image.mode in GRAYSCALE_MODES for image in opened) else "RGB"
    size = opened[0].size
    arrays = []
    for path, image in zip(files, opened, strict=True):
        if image.size != size:
            raise UserError(
                f"{where}: images differ in size: {files[0].name} is {size[0]}x{size[1]}, "
                f"{path.name} is {image.size[0]}x{image.size[1]}; resize them to one size"
            )
        arrays.append(np.asarray(image.convert(mode), dtype=np.uint8))
    pixels = torch.from_numpy(np.stack(arrays))
    pixels = pixels.unsqueeze(1) if mode == "L" else pixels.permute(0, 3, 1, 2)
    size_text = "x".join(map(str, pixels.shape[1:]))
    images = pixels.float().div(127.5).sub(1)
    return SampleSet(images, False, f"{len(files)} images {size_text} from a folder")


def _open(path: Path, where: str) -> Image.Image:
    try:
        with Image.open(path) as image:
            image.load()
            return image
    except (UnidentifiedImageError, OSError) as exc:
        raise UserError(f"{where}: cannot read {path.name} ({first_line(exc)})") from None
