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
    from genbench.api.executor import Executor, RunInfo, SweepInfo
    from genbench.api.features import FeatureExtractor
    from genbench.api.lazy import Deferred
    from genbench.api.metric import Metric
    from genbench.api.model import ModelFamily
    from genbench.api.network import Network
    from genbench.api.prior import Prior
    from genbench.api.record import RunRecord
    from genbench.api.search import SearchProgress

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
def genbench_train_log(run: RunInfo, step: int, scalars: dict[str, float], progress: float) -> None:
    """Periodic training scalars (losses) at generator step `step`; `progress` is the share of
    the run's budget spent so far (0 to 1), whatever the budget counts (seconds, steps, FLOPs).
    An implementation may take only the arguments it needs."""


@hookspec
def genbench_run_finished(run: RunInfo, record: RunRecord) -> None:
    """A run ended (ok, diverged or failed) and its record was written to record.json.

    `record` is the typed `genbench.api.record.RunRecord`: read its attributes
    (`record.status`, `record.train.seconds`, `record.metrics["fid"]`); `record.to_dict()`
    gives the JSON layout. Observers only: do not change it, the file is already written."""


# The sweep's own events, in the process that runs the sweep (never in a worker). The terminal
# reporter is a plugin on these and the run hooks above, like any other observer.


@hookspec
def genbench_sweep_started(sweep: SweepInfo) -> None:
    """A sweep is about to train: how many runs it has, how many are reused from earlier
    records, how many train at once."""


@hookspec
def genbench_sweep_status(message: str) -> None:
    """A long step of the sweep begins (loading the dataset, preparing the feature
    extractor); it lasts until the next event."""


@hookspec
def genbench_sweep_warning(message: str) -> None:
    """Something the user should know and the sweep goes on with, as one line: a damaged
    record that is trained again, a stale lock taken over, an offline data fallback."""


@hookspec
def genbench_run_kept(run: RunInfo, record: RunRecord) -> None:
    """The sweep has kept a run's record, whichever executor did the run: in this process (after
    `genbench_run_finished`), in a worker process, a Ray task or a Slurm job (where the run
    hooks fired), or a worker that died (a `failed` record written here)."""


@hookspec
def genbench_sweep_finished(sweep: SweepInfo) -> None:
    """The sweep's runs are done, or it stopped (Ctrl-C); its table is published next."""


@hookspec
def genbench_search_progress(progress: SearchProgress) -> None:
    """A round of a `[search]`'s trials has ended: trials done, pruned and failed per entry,
    the best value so far and the time left. Fired in the process that runs the search."""
