"""Loggers for genbench runs: TensorBoard, Weights & Biases and MLflow (`genbench run --log`).

Written as a third-party plugin would be: it only implements lifecycle hooks. A run names its
loggers in `run.loggers`; at `genbench_run_started` this plugin opens one session per named
logger, feeds it the training scalars of every log window and closes it with the record's
final metrics and sample grid. Each library is imported when its logger starts, so the plugin
loads without any of them and a missing one is a one-line error saying what to install.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path

import genbench
from genbench.api import RunRecord

from .base import RunLogger
from .mlflow_logger import MLflowLogger
from .tensorboard_logger import TensorBoardLogger
from .wandb_logger import WandbLogger

LOGGERS: dict[str, type[RunLogger]] = {
    "tensorboard": TensorBoardLogger,
    "wandb": WandbLogger,
    "mlflow": MLflowLogger,
}

# The sessions of the runs in flight in this process, by run folder: hooks are plain calls, so
# the state between a run's start and its end has to live with the plugin.
_SESSIONS: dict[Path, list[RunLogger]] = {}


@genbench.hookimpl
def genbench_logger_names() -> list[str]:
    return list(LOGGERS)


@genbench.hookimpl
def genbench_run_started(run: genbench.RunInfo) -> None:
    sessions: list[RunLogger] = []
    try:
        for name in run.loggers:
            if name in LOGGERS:
                sessions.append(LOGGERS[name](run))
    except BaseException:
        for session in sessions:
            session.close()
        raise
    if sessions:
        _SESSIONS[run.run_dir] = sessions


@genbench.hookimpl
def genbench_train_log(run: genbench.RunInfo, step: int, scalars: dict[str, float]) -> None:
    for session in list(_SESSIONS.get(run.run_dir, ())):
        if not _safely(session, lambda s: s.log(step, scalars)):
            _SESSIONS[run.run_dir].remove(session)
            _safely(session, lambda s: s.close())


@genbench.hookimpl
def genbench_run_finished(run: genbench.RunInfo, record: RunRecord) -> None:
    for session in _SESSIONS.pop(run.run_dir, ()):
        _safely(session, lambda s: s.finish(record))
        _safely(session, lambda s: s.close())


def _safely(session: RunLogger, call: Callable[[RunLogger], None]) -> bool:
    """Run `call`; a logging library's failure (a full disk, a lost server) is a warning and
    ends that logger for the run, never the run itself."""
    try:
        call(session)
    except Exception as exc:
        run = session.run
        warnings.warn(
            f"{type(session).__name__} for {run.entry!r} seed {run.seed} stopped: "
            f"{type(exc).__name__}: {exc}",
            stacklevel=2,
        )
        return False
    return True
