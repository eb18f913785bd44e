"""A feature set's Gaussian fit: all FID needs of the real set, and what papers publish.

pytorch-fid, clean-fid and the papers that quote them distribute the real set of a benchmark
as this fit alone (an .npz of `mu` and `sigma`), so a metric that reads only the fit can score
generated samples against a paper's own reference statistics.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from genbench.errors import UserError

if TYPE_CHECKING:
    import torch

CHUNK = 4096
"""Features per step of the two passes of `feature_statistics`."""


@dataclass(frozen=True)
class FeatureStatistics:
    """Mean (D,) and covariance (D, D) in float64; `count` is the number of samples they were
    fitted on, None when a file made elsewhere does not say."""

    mean: torch.Tensor
    covariance: torch.Tensor
    count: int | None = None

    @property
    def dim(self) -> int:
        return int(self.mean.shape[0])


def feature_statistics(features: torch.Tensor) -> FeatureStatistics:
    """Mean and unbiased (N - 1) covariance in float64, the statistics torch-fidelity and
    pytorch-fid use, so that FIDs compare with their numbers.

    Both passes go through the features a chunk at a time, so no float64 copy of the whole set
    is made: on 50,000 features that copy, not the images, would be most of what an
    evaluation holds."""
    import torch

    if len(features) < 2:
        raise UserError(f"FID needs at least 2 samples per set, got {len(features)}")
    flat = features.reshape(len(features), -1)
    chunks = torch.split(flat, CHUNK)
    dim, device = flat.shape[1], flat.device
    total = torch.zeros(dim, dtype=torch.float64, device=device)
    for chunk in chunks:
        total += chunk.double().sum(dim=0)
    mean = total / len(flat)
    covariance = torch.zeros(dim, dim, dtype=torch.float64, device=device)
    for chunk in chunks:
        centred = chunk.double() - mean
        covariance += centred.T @ centred
    return FeatureStatistics(mean, covariance / (len(flat) - 1), len(flat))
