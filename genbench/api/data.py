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


@dataclass
class LoadedData:
    """A dataset held as tensors on the device.

    Images are float32 in [-1, 1], shaped (N, C, H, W); point sets (2-D mixtures) keep their
    native coordinates, shaped (N, D), so that published mode protocols (sigma, 3-sigma radius)
    apply unchanged. Training draws batches from `train` by index.
    """

    train: torch.Tensor
    source: str
    train_labels: torch.Tensor | None = None
    test: torch.Tensor | None = None
    test_labels: torch.Tensor | None = None
    fallback: str | None = None
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def sample_shape(self) -> tuple[int, ...]:
        return tuple(self.train.shape[1:])

    @property
    def is_image(self) -> bool:
        return self.train.dim() == 4

    def class_frequencies(self) -> torch.Tensor | None:
        """Each class's share of the training labels (None without labels): what a
        conditional model learns to generate on request and draws evaluation labels from."""
        if self.train_labels is None:
            return None
        from genbench.api.conditioning import class_frequencies

        labels = self.train_labels
        return class_frequencies(labels, int(labels.max().item()) + 1)

    def fingerprint(self) -> str:
        """A content hash of both splits and their labels, for caches keyed by data."""
        digest = hashlib.sha256()
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
