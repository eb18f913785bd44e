"""genbench's built-in metrics and feature extractors, registered as any plugin would be."""

from __future__ import annotations

from collections.abc import Callable

import genbench

from .classifier_score import CLASSIFIER_SCORE
from .density_coverage import DENSITY_COVERAGE
from .fid import FID, feature_statistics, frechet_distance
from .identity import IDENTITY
from .inception import INCEPTION
from .kid import KID
from .knn import knn_radii
from .lenet import LENET_MNIST
from .mode_coverage import MODE_COVERAGE, mode_statistics
from .prd import PRD
from .precision_recall import PRECISION_RECALL, manifold_membership, precision_recall

__all__ = [
    "feature_statistics",
    "frechet_distance",
    "knn_radii",
    "manifold_membership",
    "mode_statistics",
    "precision_recall",
]


@genbench.hookimpl
def genbench_register_metrics(register: Callable[[genbench.Metric], None]) -> None:
    for metric in (
        FID,
        KID,
        PRECISION_RECALL,
        DENSITY_COVERAGE,
        PRD,
        CLASSIFIER_SCORE,
        MODE_COVERAGE,
    ):
        register(metric)


@genbench.hookimpl
def genbench_register_feature_extractors(
    register: Callable[[genbench.FeatureExtractor], None],
) -> None:
    for extractor in (IDENTITY, LENET_MNIST, INCEPTION):
        register(extractor)
