"""genbench: a plugin-based harness that benchmarks GAN objectives under equal budgets."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import Any

from genbench.data import Dataset, DatasetRequest, LoadedData
from genbench.divergence import Divergence, FDivergence
from genbench.errors import UserError
from genbench.executors import Executor, RunInfo
from genbench.features import Extractor, ExtractorRequest, FeatureExtractor
from genbench.hookspecs import hookimpl
from genbench.metric import Column, Curve, Metric, MetricInputs
from genbench.model import AdversarialModel, BuildContext, InitSource, ModelFamily
from genbench.params import Param
from genbench.prior import LatentPrior, Prior
from genbench.registry import current

try:
    __version__ = version("genbench")
except PackageNotFoundError:
    __version__ = "0+unknown"


def get(kind: str, name: str) -> Any:
    """The item of `kind` ("model", "divergence", "metric", "dataset", "feature_extractor",
    "prior", "executor") registered under `name`; an unknown name suggests close ones."""
    return current().get(kind, name)


def names(kind: str) -> list[str]:
    """The sorted names registered for `kind`."""
    return current().names(kind)


__all__ = [
    "AdversarialModel",
    "BuildContext",
    "Column",
    "Curve",
    "Dataset",
    "DatasetRequest",
    "Divergence",
    "Executor",
    "Extractor",
    "ExtractorRequest",
    "FDivergence",
    "FeatureExtractor",
    "InitSource",
    "LatentPrior",
    "LoadedData",
    "Metric",
    "MetricInputs",
    "ModelFamily",
    "Param",
    "Prior",
    "RunInfo",
    "UserError",
    "__version__",
    "get",
    "hookimpl",
    "names",
]
