"""genbench: a plugin-based harness that benchmarks GAN objectives under equal budgets.

For scripts and notebooks: `genbench.run(spec)` trains a benchmark and returns its tables,
`genbench.evaluate(real, fake)` compares two sample sets, `genbench.load_generator(run_dir)`
loads a run's trained generator back from its folder, `genbench.get(kind, name)` and
`genbench.names(kind)` look up registered items. For plugin authors: the contract in
`genbench.api`, re-exported here. Importing genbench does not import torch.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from genbench import api
from genbench.api import (
    KINDS,
    BuildContext,
    Column,
    Curve,
    DamagedFileError,
    Dataset,
    DatasetRequest,
    Deferred,
    Divergence,
    Executor,
    Extractor,
    ExtractorRequest,
    FDivergence,
    FeatureExtractor,
    FeatureStatistics,
    InitSource,
    Kind,
    LoadedData,
    Metric,
    MetricInputs,
    ModelFamily,
    Network,
    NetworkPair,
    NetworkRequest,
    Param,
    Prior,
    RunInfo,
    UserError,
    Work,
    cache_dir,
    feature_statistics,
    hookimpl,
    lazy,
    load_torch,
    resolve_params,
    save_torch,
    write_atomic,
)
from genbench.loading import TrainedGenerator, load_generator
from genbench.registry import current
from genbench.scripting import evaluate, run

if TYPE_CHECKING:
    from genbench.api import AdversarialModel, LatentPrior, Registry

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


def __getattr__(name: str) -> Any:
    """The contract's torch-backed names (`AdversarialModel`, `LatentPrior`), loaded on use."""
    return getattr(api, name)


__all__ = [
    "KINDS",
    "AdversarialModel",
    "BuildContext",
    "Column",
    "Curve",
    "DamagedFileError",
    "Dataset",
    "DatasetRequest",
    "Deferred",
    "Divergence",
    "Executor",
    "Extractor",
    "ExtractorRequest",
    "FDivergence",
    "FeatureExtractor",
    "FeatureStatistics",
    "InitSource",
    "Kind",
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
    "Registry",
    "RunInfo",
    "TrainedGenerator",
    "UserError",
    "Work",
    "__version__",
    "cache_dir",
    "evaluate",
    "feature_statistics",
    "get",
    "hookimpl",
    "lazy",
    "load_generator",
    "load_torch",
    "names",
    "resolve_params",
    "run",
    "save_torch",
    "write_atomic",
]
