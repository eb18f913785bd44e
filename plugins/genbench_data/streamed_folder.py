"""`image-folder` with `stream = true`: a folder too large to hold (CelebA, an LSUN category
exported as image files) read batch by batch in DataLoader workers while the model trains.

Only `held` images are decoded up front, a fixed sample of the folder (a permutation seeded
0, so the same on every run and machine; decoded once, then read from image-folder's cache):
the evaluation's real reference and the engine's checks use it. Training draws from every
image of the folder through the stream (`genbench.engine.stream`), each decoded,
centre-cropped and resized in a worker as the held ones are, so nothing scales with the
folder's size but the list of its files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch
from torch.utils.data import Dataset

from genbench import DatasetRequest, LoadedData
from genbench.api.data import TrainingStream
from genbench_data.digits import to_unit_range
from genbench_data.image_folder import decode, listing_key, read_folder

HELD_SEED = 0


class FolderImages(Dataset[tuple[torch.Tensor, int]]):
    """Item i: the i-th file as uint8 pixels (C, size, size) and its class (-1 without)."""

    def __init__(
        self, files: list[Path], size: int, channels: int, labels: list[int] | None
    ) -> None:
        self.files, self.size, self.channels = files, size, channels
        self.labels = labels

    def __len__(self) -> int:
        return len(self.files)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, int]:
        label = self.labels[index] if self.labels is not None else -1
        return decode(self.files[index], self.size, self.channels), label


def load_streamed(
    request: DatasetRequest, folder: Path, files: list[Path], labels: torch.Tensor | None
) -> LoadedData:
    """The folder as a stream of every image, with `held` of them decoded and held."""
    params = request.params
    size, channels, held = params["size"], params["channels"], params["held"]
    order = torch.randperm(len(files), generator=torch.Generator().manual_seed(HELD_SEED))
    chosen = order[: min(held, len(files))].tolist()
    images = FolderImages(files, size, channels, None if labels is None else labels.tolist())
    pixels = read_folder([files[i] for i in chosen], folder, size, channels, request.data_root)
    identity = listing_key(files, folder, size, channels)
    stream = TrainingStream(images, len(files), identity, params["workers"], labels)
    info: dict[str, Any] = {"path": str(folder), "size": size, "channels": channels}
    info |= {"streamed": len(files), "held": len(chosen)}
    return LoadedData(
        train=to_unit_range(pixels, request.device),
        source=(
            f"images from {folder} ({len(files)} streamed, {len(chosen)} held; "
            f"{channels}x{size}x{size}, centre-cropped)"
        ),
        train_labels=None if labels is None else labels[chosen].to(request.device),
        info=info,
        stream=stream,
    )
