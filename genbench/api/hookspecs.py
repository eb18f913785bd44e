"""Every hook a genbench plugin can implement: the reference for plugin authors.

A plugin is a module (or object) with functions decorated by `genbench.hookimpl`, published
through the `genbench` entry-point group:

    [project.entry-points.genbench]
    my_plugin = "my_package.plugin"

Registration hooks receive a `register` callable and call it once per item. Every item has a
unique kebab-case `name`, a one-line `description` and a tuple of `genbench.Param` (typed
parameters with defaults). Duplicate names across plugins are an error naming both.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from genbench.api.data import Dataset
    from genbench.api.divergence import Divergence
    from genbench.api.executor import Executor, RunInfo
    from genbench.api.features import FeatureExtractor
    from genbench.api.lazy import Deferred
    from genbench.api.metric import Metric
    from genbench.api.model import ModelFamily
    from genbench.api.network import Network
    from genbench.api.prior import Prior
    from genbench.report.record import RunRecord

PROJECT = "genbench"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def genbench_register_models(register: Callable[[ModelFamily], None]) -> None:
    """Register model families (`genbench.ModelFamily`): a builder of `AdversarialModel`s."""


@hookspec
def genbench_register_divergences(register: Callable[[Divergence | Deferred], None]) -> None:
    """Register divergences: objects with `discriminator_loss(v_real, v_fake)` and
    `generator_loss(v_fake)` on the critic's raw output. An f-divergence subclasses
    `genbench.FDivergence` and supplies only `f`, `f_star` and `activation`. A `Deferred`
    describes a divergence whose module is imported on its first use."""


@hookspec
def genbench_register_networks(register: Callable[[Network], None]) -> None:
    """Register network families (`genbench.Network`): a builder of a generator and a critic
    for a sample shape and a latent size, chosen by a model's `network` parameter."""


@hookspec
def genbench_register_metrics(register: Callable[[Metric], None]) -> None:
    """Register metrics (`genbench.Metric`): feature sets in, named numbers out."""


@hookspec
def genbench_register_datasets(register: Callable[[Dataset], None]) -> None:
    """Register datasets (`genbench.Dataset`): a loader returning tensors on the device."""


@hookspec
def genbench_register_feature_extractors(register: Callable[[FeatureExtractor], None]) -> None:
    """Register feature extractors (`genbench.FeatureExtractor`) used by the metrics."""


@hookspec
def genbench_register_priors(register: Callable[[Prior], None]) -> None:
    """Register latent priors (`genbench.Prior`), selectable by models' `prior` parameter."""


@hookspec
def genbench_register_executors(register: Callable[[Executor], None]) -> None:
    """Register executors (`genbench.Executor`): where a sweep's runs execute."""


@hookspec
def genbench_logger_names() -> list[str]:
    """The names this plugin's loggers answer to in `genbench run --log NAME`; a logger acts
    through the lifecycle hooks below on the runs whose `run.loggers` name it."""
    raise NotImplementedError  # a specification: pluggy calls the plugins' implementations


@hookspec
def genbench_run_started(run: RunInfo) -> None:
    """A run is about to train. Observers only: the return value is ignored. A logger whose
    library is missing raises a `UserError` here, before anything trains."""


@hookspec
def genbench_train_log(run: RunInfo, step: int, scalars: dict[str, float]) -> None:
    """Periodic training scalars (losses) at generator step `step`."""


@hookspec
def genbench_run_finished(run: RunInfo, record: RunRecord) -> None:
    """A run ended (ok, diverged or failed) and its record was written to record.json.

    `record` is the typed `genbench.report.record.RunRecord`: read its attributes
    (`record.status`, `record.train.seconds`, `record.metrics["fid"]`); `record.to_dict()`
    gives the JSON layout. Observers only: do not change it, the file is already written."""
