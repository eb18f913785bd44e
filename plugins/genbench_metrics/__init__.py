"""genbench's built-in metrics and feature extractors, registered as any plugin would be."""

from __future__ import annotations

from collections.abc import Callable

from genbench.api import FeatureExtractor, Metric, hookimpl
from genbench_metrics.catalog import (
    CLASS_ACCURACY,
    CLASSIFIER_SCORE,
    DENSITY_COVERAGE,
    FID,
    FID_INFINITY,
    IDENTITY,
    INCEPTION,
    INCEPTION_SCORE,
    INTRA_FID,
    KID,
    LENET_MNIST,
    MODE_COVERAGE,
    PRD,
    PRECISION_RECALL,
)


@hookimpl
def genbench_register_metrics(register: Callable[[Metric], None]) -> None:
    for metric in (
        FID,
        FID_INFINITY,
        KID,
        PRECISION_RECALL,
        DENSITY_COVERAGE,
        PRD,
        CLASSIFIER_SCORE,
        INTRA_FID,
        CLASS_ACCURACY,
        INCEPTION_SCORE,
        MODE_COVERAGE,
    ):
        register(metric)


@hookimpl
def genbench_register_feature_extractors(
    register: Callable[[FeatureExtractor], None],
) -> None:
    for extractor in (IDENTITY, LENET_MNIST, INCEPTION):
        register(extractor)
