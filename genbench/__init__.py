"""genbench: a plugin-based harness that benchmarks GAN objectives under equal budgets."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import Any

from genbench.api.data import Dataset, DatasetRequest, LoadedData
from genbench.api.divergence import Divergence, FDivergence
from genbench.api.executor import Executor, RunInfo
from genbench.api.features import Extractor, ExtractorRequest, FeatureExtractor
from genbench.api.hookspecs import hookimpl
from genbench.api.metric import Column, Curve, Metric, MetricInputs
from genbench.api.model import AdversarialModel, BuildContext, InitSource, ModelFamily
from genbench.api.network import Network, NetworkPair, NetworkRequest
from genbench.api.params import Param
from genbench.api.prior import LatentPrior, Prior
from genbench.errors import UserError
from genbench.registry import current

try:
    __version__ = version("genbench")
except PackageNotFoundError:
    __version__ = "0+unknown"


def get(kind: str, name: str) -> Any:
    """The item of `kind` ("model", "divergence", "network", "metric", "dataset",
    "feature_extractor", "prior", "executor") registered under `name`; an unknown name suggests
    close ones."""
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
    "Network",
    "NetworkPair",
    "NetworkRequest",
    "Param",
    "Prior",
    "RunInfo",
    "UserError",
    "__version__",
    "get",
    "hookimpl",
    "names",
]
