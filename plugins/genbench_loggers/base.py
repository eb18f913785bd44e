"""What the three loggers share: where their files go, what a record's end looks like."""

from __future__ import annotations

import math
import os
from pathlib import Path

import genbench
from genbench.api import RunRecord
from genbench.api.layout import RunFiles

LOG_DIR_ENV = "GENBENCH_LOG_DIR"


class RunLogger:
    """One run's session with a logging library: opened at run start, fed each log window."""

    def __init__(self, run: genbench.RunInfo) -> None:
        self.run = run

    def log(self, step: int, scalars: dict[str, float]) -> None:
        raise NotImplementedError

    def finish(self, record: RunRecord) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """Release files and processes; called after `finish`, or when the start failed."""


def log_dir(run: genbench.RunInfo, name: str) -> Path:
    """`<run_dir>/<name>`, or, with GENBENCH_LOG_DIR set, the same layout under that folder
    (`<dir>/<benchmark>/<entry>/seed-<n>/<name>`), e.g. to keep logs off a shared results disk."""
    root = os.environ.get(LOG_DIR_ENV)
    if not root:
        return run.run_dir / name
    return Path(root) / run.benchmark / run.run_dir.parent.name / run.run_dir.name / name


def final_metrics(record: RunRecord) -> dict[str, float]:
    """The record's finite metrics (undefined ones are stored as null)."""
    return {k: v for k, v in record.metrics.items() if v is not None and math.isfinite(v)}


def final_step(record: RunRecord) -> int:
    return record.train.steps


def samples_path(run: genbench.RunInfo) -> Path | None:
    path = RunFiles(run.run_dir).samples
    return path if path.exists() else None


def run_name(run: genbench.RunInfo) -> str:
    return f"{run.entry} seed {run.seed}"


def missing(logger: str, package: str, extra: str) -> genbench.UserError:
    return genbench.UserError(
        f"--log {logger} needs the {package} package: pip install 'genbench[{extra}]'"
    )
