"""The contract for plugins: everything a plugin imports from genbench is here.

A plugin registers items (the types below) through the hooks of `genbench.api.hookspecs`,
and may use the helpers below (parameter resolution, atomic files, safe checkpoint loading,
the cache folder). Importing this package is cheap: nothing here loads torch until a
torch-backed name (`AdversarialModel`, `LatentPrior`) is first used. `Registry` is
the type of `BuildContext.registry`, which a builder uses to look up the items its
parameters name. Nothing here imports genbench beyond `genbench.api` and `genbench.errors`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from genbench.api.data import Dataset, DatasetRequest, LoadedData
from genbench.api.divergence import Divergence, FDivergence
from genbench.api.executor import Executor, RunInfo, RunTask, SweepInfo, Work
from genbench.api.features import Extractor, ExtractorRequest, FeatureExtractor
from genbench.api.hookspecs import hookimpl
from genbench.api.kinds import KINDS, Kind
from genbench.api.lazy import Deferred, lazy
from genbench.api.metric import Column, Curve, Metric, MetricInputs
from genbench.api.model import BuildContext, InitSource, ModelFamily
from genbench.api.network import Network, NetworkPair, NetworkRequest, packed_shape
from genbench.api.params import Param, resolve_params
from genbench.api.prior import Prior
from genbench.api.record import RunRecord
from genbench.api.registry import Registry
from genbench.api.search import EntrySearch, SearchProgress
from genbench.api.statistics import FeatureStatistics, feature_statistics
from genbench.api.storage import DamagedFileError, cache_dir, load_torch, save_torch, write_atomic
from genbench.errors import UserError, first_line

if TYPE_CHECKING:
    from genbench.api.adversarial import AdversarialModel
    from genbench.api.latent_prior import LatentPrior

_LOADED_ON_USE = {
    "AdversarialModel": "genbench.api.adversarial",
    "LatentPrior": "genbench.api.latent_prior",
}


def __getattr__(name: str) -> Any:
    if name in _LOADED_ON_USE:
        return getattr(importlib.import_module(_LOADED_ON_USE[name]), name)
    raise AttributeError(f"module 'genbench.api' has no attribute {name!r}")


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
    "EntrySearch",
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
    "RunRecord",
    "RunTask",
    "SearchProgress",
    "SweepInfo",
    "UserError",
    "Work",
    "cache_dir",
    "feature_statistics",
    "first_line",
    "hookimpl",
    "lazy",
    "load_torch",
    "packed_shape",
    "resolve_params",
    "save_torch",
    "write_atomic",
]
