"""`image-folder`: a folder of the user's own images (png, jpg, bmp, gif, webp; subfolders too).

Every image is centre-cropped to a square, resized to `size` x `size`, converted to
`channels` (1: grey, 3: RGB) and held as one tensor on the device, so training draws batches
by index like every other dataset. Decoding thousands of files is slow, so the decoded uint8
tensor is kept in `<data root>/image-folder/`, keyed by the files' names, sizes and times and
by `size` and `channels`: a second run reads one file. A folder whose tensor would exceed
`max_gb` is refused, before anything is decoded, with a line saying how to make it fit; with
`stream = true` it is not held but streamed (`genbench_data.streamed_folder`). With
`classes = true` each image is labelled by the top-level subfolder it lies in (torchvision's
ImageFolder layout, classes in sorted order), for conditional models.
"""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import torch

from genbench import DatasetRequest, LoadedData, UserError
from genbench_data.digits import to_unit_range

SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp")
MODES = {1: "L", 3: "RGB"}
CACHE_FOLDER = "image-folder"
FLOAT_BYTES = 4


def image_files(folder: Path) -> list[Path]:
    """The folder's image files, recursively, in a fixed (sorted) order."""
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file())


def listing_key(files: list[Path], folder: Path, size: int, channels: int) -> str:
    listing = [(str(p.relative_to(folder)), p.stat().st_size, p.stat().st_mtime_ns) for p in files]
    text = json.dumps({"files": listing, "size": size, "channels": channels})
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def decode(path: Path, size: int, channels: int) -> torch.Tensor:
    from PIL import Image, ImageOps

    try:
        with Image.open(path) as image:
            fitted = ImageOps.fit(image.convert(MODES[channels]), (size, size))
    except OSError as exc:
        raise UserError(f"cannot read image {path}: {exc}; remove or replace the file") from exc
    pixels = torch.frombuffer(bytearray(fitted.tobytes()), dtype=torch.uint8)
    return pixels.view(size, size, channels).permute(2, 0, 1)


def read_folder(
    files: list[Path], folder: Path, size: int, channels: int, cache_root: Path
) -> torch.Tensor:
    """uint8 images (N, channels, size, size) of `files` (under `folder`), decoded once and
    then read from the cache."""
    cache = cache_root / CACHE_FOLDER / f"{listing_key(files, folder, size, channels)}.pt"
    if cache.is_file():
        return torch.load(cache, weights_only=True)
    images = torch.stack([decode(path, size, channels) for path in files])
    cache.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    torch.save(images, buffer)
    partial = cache.with_suffix(".tmp")
    partial.write_bytes(buffer.getvalue())
    partial.replace(cache)
    return images


def _check_fits(count: int, size: int, channels: int, max_gb: float, folder: Path) -> None:
    needed = count * channels * size * size * FLOAT_BYTES / 1e9
    if needed > max_gb:
        raise UserError(
            f"{count} images of {channels}x{size}x{size} under {folder} need {needed:.1f} GB as "
            f"float32, above max_gb = {max_gb}; lower size, set limit, or raise max_gb"
        )


def load_image_folder(request: DatasetRequest) -> LoadedData:
    params = request.params
    if not params["path"]:
        raise UserError("dataset 'image-folder' needs path: [dataset] path = '/my/images'")
    folder = Path(params["path"]).expanduser()
    if not folder.is_dir():
        raise UserError(f"image folder {folder} does not exist or is not a folder")
    size, channels, limit = params["size"], params["channels"], params["limit"]
    files = image_files(folder)
    if not files:
        suffixes = ", ".join(SUFFIXES)
        raise UserError(f"no images ({suffixes}) under {folder}; point `path` at your images")
    count, files = len(files), files[: limit or None]
    if params["stream"]:
        from genbench_data.streamed_folder import load_streamed

        labels = folder_labels(files, folder)[1] if params["classes"] else None
        return load_streamed(request, folder, files, labels)
    _check_fits(len(files), size, channels, params["max_gb"], folder)
    images = read_folder(files, folder, size, channels, request.data_root)
    kept = f"{len(images)} of {count}" if len(images) < count else f"{count}"
    info: dict[str, object] = {"path": str(folder), "size": size, "channels": channels}
    labels = None
    if params["classes"]:
        names, labels = folder_labels(files, folder)
        labels, info["classes"] = labels.to(request.device), names
    return LoadedData(
        train=to_unit_range(images, request.device),
        source=f"images from {folder} ({kept}, {channels}x{size}x{size}, centre-cropped)",
        train_labels=labels,
        info=info,
    )


def folder_labels(files: list[Path], folder: Path) -> tuple[list[str], torch.Tensor]:
    """The class names (top-level subfolders, sorted) and each file's class index."""
    tops = [path.relative_to(folder).parts for path in files]
    loose = next((parts[0] for parts in tops if len(parts) == 1), None)
    if loose is not None:
        raise UserError(
            f"classes = true labels images by their subfolder, but {folder / loose} lies in "
            f"{folder} itself; move every image into a class folder, or set classes = false"
        )
    names = sorted({parts[0] for parts in tops})
    index = {name: i for i, name in enumerate(names)}
    return names, torch.tensor([index[parts[0]] for parts in tops], dtype=torch.int64)
