"""The `identity` feature extractor: each sample's own coordinates are its features.

Right for low-dimensional data (2-D mixtures), where a learned embedding would only blur the
geometry the metrics measure.
"""

from __future__ import annotations

from typing import Any

import torch

import genbench


class IdentityFeatures:
    """An extractor that flattens each sample into a float32 vector."""

    info: dict[str, Any]

    def __init__(self) -> None:
        self.info = {"name": "identity"}

    def __call__(self, batch: torch.Tensor) -> torch.Tensor:
        return batch.reshape(len(batch), -1).float()


def build_identity(request: genbench.ExtractorRequest) -> IdentityFeatures:
    return IdentityFeatures()
