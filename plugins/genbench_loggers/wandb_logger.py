"""Weights & Biases: one wandb run per genbench run (project = benchmark, group = entry).

wandb's own settings apply (WANDB_MODE=offline, WANDB_PROJECT, WANDB_ENTITY, API key); its
files go to WANDB_DIR when set, else to the run folder (see `base.log_dir`).
"""

from __future__ import annotations

import json
import os
from typing import Any

import genbench
from genbench.api import RunRecord

from .base import RunLogger, final_metrics, final_step, log_dir, missing, run_name, samples_path


class WandbLogger(RunLogger):
    def __init__(self, run: genbench.RunInfo) -> None:
        super().__init__(run)
        try:
            import wandb
        except ImportError:
            raise missing("wandb", "wandb", "wandb") from None
        self.wandb = wandb
        directory = os.environ.get("WANDB_DIR") or str(log_dir(run, "wandb"))
        config = json.loads(json.dumps({**run.config, "config_hash": run.config_hash}, default=str))
        os.makedirs(directory, exist_ok=True)
        self.session = wandb.init(
            project=os.environ.get("WANDB_PROJECT") or run.benchmark,
            name=run_name(run),
            group=run.entry,
            config=config,
            dir=directory,
            reinit="create_new",  # one wandb run per genbench run, several may be open
        )

    def log(self, step: int, scalars: dict[str, float]) -> None:
        self.session.log({f"train/{key}": value for key, value in scalars.items()}, step=step)

    def finish(self, record: RunRecord) -> None:
        values: dict[str, Any] = {f"metrics/{k}": v for k, v in final_metrics(record).items()}
        path = samples_path(self.run)
        if path is not None:
            values["samples"] = self.wandb.Image(str(path))
        if values:
            self.session.log(values, step=max(final_step(record), self._last_step()))
        self.session.summary["status"] = record.status
        self.session.summary.update(final_metrics(record))

    def _last_step(self) -> int:
        # wandb drops a log whose step is below the last one logged.
        return int(getattr(self.session, "step", 0) or 0)

    def close(self) -> None:
        self.session.finish()
