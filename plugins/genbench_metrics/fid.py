"""Fréchet distance between Gaussian fits of two feature sets (Heusel et al. 2017).

The trace of (S_r S_g)^{1/2} is taken as Tr (A^{1/2} B A^{1/2})^{1/2}, a symmetric positive
semi-definite matrix, so both roots come from eigendecompositions in float64. scipy's sqrtm on
the non-symmetric product returns complex parts and, near-singular, wrong values.
"""

from __future__ import annotations

from typing import Any

import torch

import genbench
from genbench.api import FeatureStatistics, feature_statistics


def _psd_sqrt(matrix: torch.Tensor) -> torch.Tensor:
    """The symmetric square root; eigenvalues that rounding made negative count as 0."""
    eigenvalues, eigenvectors = torch.linalg.eigh((matrix + matrix.T) / 2)
    return (eigenvectors * eigenvalues.clamp_min(0).sqrt()) @ eigenvectors.T


def frechet_distance(first: FeatureStatistics, second: FeatureStatistics) -> float:
    """||mu1 - mu2||^2 + Tr(S1 + S2 - 2 (S1 S2)^{1/2}), computed in float64."""
    mu1, sigma1 = first.mean.double(), first.covariance.double()
    mu2, sigma2 = second.mean.to(mu1), second.covariance.to(sigma1)
    root1 = _psd_sqrt(sigma1)
    product = root1 @ sigma2 @ root1
    product = (product + product.T) / 2
    trace_covmean = torch.linalg.eigvalsh(product).clamp_min(0).sqrt().sum()
    diff = mu1 - mu2
    value = diff @ diff + sigma1.trace() + sigma2.trace() - 2 * trace_covmean
    return float(value)


def compute_fid(inputs: genbench.MetricInputs, params: dict[str, Any]) -> dict[str, float]:
    """The `fid` metric: on features, never raw samples, so the extractor is part of the result."""
    return {"fid": frechet_distance(inputs.real_fit(), feature_statistics(inputs.fake_features))}
