"""Real reference features kept on disk, so each is computed once, not once per sweep.

Extracting features of 10 000 real images is the slow part of setting up an evaluation
(minutes with Inception on a CPU), and it depends only on which real samples were drawn and
which extractor saw them. The key is therefore a content hash of the reference samples
themselves (it stands for the dataset, split, subset seed and count at once) with the split,
count, extractor name, parameters and `info`; any change in them computes the features again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from genbench.api.storage import DamagedFileError, load_torch, save_torch

FOLDER = "reference-features"
VOLATILE_INFO = ("cached",)
"""`info` keys that say how the extractor was obtained this time (trained or loaded from its
cache), not what it computes: left out of the key, or the second sweep would miss."""


@dataclass(frozen=True)
class ReferenceCache:
    """Where reference features live, and the extractor configuration they belong to."""

    directory: Path
    extractor: str
    params: Mapping[str, Any]

    def entry(self, samples: torch.Tensor, split: str, info: Mapping[str, Any]) -> CacheEntry:
        """The cache file for the features of `samples` (taken from `split`)."""
        array = samples.detach().to("cpu").contiguous().numpy()
        content = hashlib.sha256(str(array.shape).encode() + array.tobytes()).hexdigest()
        key = {
            "samples": content[:16],
            "count": len(samples),
            "split": split,
            "extractor": self.extractor,
            "params": dict(self.params),
            "info": {k: v for k, v in info.items() if k not in VOLATILE_INFO},
        }
        text = json.dumps(key, sort_keys=True, default=str)
        digest = hashlib.sha256(text.encode()).hexdigest()[:16]
        return CacheEntry(self.directory / FOLDER / self.extractor / f"{digest}.pt", text)


@dataclass(frozen=True)
class CacheEntry:
    """One cache file; it stores its key's text, so a file that belongs to another key (or a
    damaged one) is a miss, never a wrong answer."""

    path: Path
    key: str

    def load(self, device: torch.device) -> torch.Tensor | None:
        """The cached features on `device`, or None when there are none for this key."""
        try:
            saved = load_torch(self.path, map_location=device)
        except (FileNotFoundError, DamagedFileError):
            return None  # computed again and overwritten
        if not isinstance(saved, dict) or saved.get("key") != self.key:
            return None
        return saved.get("features")

    def store(self, features: torch.Tensor) -> None:
        save_torch({"key": self.key, "features": features.detach().to("cpu")}, self.path)
