"""The dataset contract: what a dataset plugin registers and what its loader returns."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from genbench.api.params import Param

if TYPE_CHECKING:
    import torch


@dataclass(frozen=True)
class DatasetRequest:
    """What a loader is asked for: validated parameters, the device and the data root."""

    params: dict[str, Any]
    device: torch.device
    data_root: Path


@dataclass(frozen=True)
class TrainingStream:
    """A training split read batch by batch instead of held whole, for data too large to hold
    (`image-folder` with `stream = true`).

    `images` is a map-style `torch.utils.data.Dataset` whose item i is (uint8 pixels (C, H, W),
    class or -1): the engine decodes batches of it in `workers` DataLoader worker processes.
    `count` is its length, `identity` names its contents for fingerprints (a hash of its file
    listing), `labels` (count,) are every item's classes (None without labels)."""

    images: Any
    count: int
    identity: str
    workers: int = 2
    labels: torch.Tensor | None = None


@dataclass
class LoadedData:
    """A dataset held as tensors on the device.

    Images are float32 in [-1, 1], shaped (N, C, H, W); point sets (2-D mixtures) keep their
    native coordinates, shaped (N, D), so that published mode protocols (sigma, 3-sigma radius)
    apply unchanged. Training draws batches from `train` by index; with a `stream`, from the
    stream, and `train` (with `train_labels`) holds a fixed sample of the split, which
    evaluation scores against and the checks before training use.
    """

    train: torch.Tensor
    source: str
    train_labels: torch.Tensor | None = None
    test: torch.Tensor | None = None
    test_labels: torch.Tensor | None = None
    fallback: str | None = None
    info: dict[str, Any] = field(default_factory=dict)
    stream: TrainingStream | None = None

    @property
    def sample_shape(self) -> tuple[int, ...]:
        return tuple(self.train.shape[1:])

    @property
    def is_image(self) -> bool:
        return self.train.dim() == 4

    def class_frequencies(self) -> torch.Tensor | None:
        """Each class's share of the training labels (None without labels): what a
        conditional model learns to generate on request and draws evaluation labels from."""
        labels = self.stream.labels if self.stream is not None else self.train_labels
        if labels is None:
            return None
        from genbench.api.conditioning import class_frequencies

        return class_frequencies(labels, int(labels.max().item()) + 1)

    def fingerprint(self) -> str:
        """A content hash of both splits and their labels (and a stream's identity), for
        caches keyed by data."""
        digest = hashlib.sha256()
        if self.stream is not None:
            digest.update(self.stream.identity.encode())
        for tensor in (self.train, self.train_labels, self.test, self.test_labels):
            if tensor is not None:
                array = tensor.detach().to("cpu").contiguous().numpy()
                digest.update(str(array.shape).encode())
                digest.update(array.tobytes())
        return digest.hexdigest()[:16]


@dataclass(frozen=True)
class Dataset:
    """A registered dataset: `load` turns a request into tensors on the device."""

    name: str
    description: str
    load: Callable[[DatasetRequest], LoadedData]
    params: tuple[Param, ...] = ()
