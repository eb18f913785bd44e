"""MLflow: one MLflow run per genbench run, in an experiment named after the benchmark.

The tracking store is MLflow's own setting (MLFLOW_TRACKING_URI: a server, `sqlite:///...` or a
`file:` folder); MlflowClient is used directly, so no process-wide active run is touched.
"""

from __future__ import annotations

import json

import genbench
from genbench.api import RunRecord, first_line

from .base import RunLogger, final_metrics, final_step, missing, run_name, samples_path

STATUSES = {"ok": "FINISHED", "diverged": "FAILED", "failed": "FAILED"}


class MLflowLogger(RunLogger):
    def __init__(self, run: genbench.RunInfo) -> None:
        super().__init__(run)
        try:
            from mlflow.tracking import MlflowClient
        except ImportError:
            raise missing("mlflow", "mlflow", "mlflow") from None
        try:
            self.client = MlflowClient()
            experiment = self.client.get_experiment_by_name(run.benchmark)
            experiment_id = (
                experiment.experiment_id
                if experiment is not None
                else self.client.create_experiment(run.benchmark)
            )
            tags = {"entry": run.entry, "seed": str(run.seed), "config_hash": run.config_hash}
            created = self.client.create_run(experiment_id, run_name=run_name(run), tags=tags)
        except Exception as exc:  # a store MLflow cannot open is the user's setting to mend
            raise genbench.UserError(
                f"--log mlflow: {first_line(exc)} "
                "(set MLFLOW_TRACKING_URI to a store MLflow can open)"
            ) from None
        self.run_id = created.info.run_id
        self.client.log_param(self.run_id, "seed", run.seed)
        config = json.loads(json.dumps(run.config, default=str))
        self.client.log_dict(self.run_id, config, "config.json")

    def log(self, step: int, scalars: dict[str, float]) -> None:
        for key, value in scalars.items():
            self.client.log_metric(self.run_id, f"train/{key}", value, step=step)

    def finish(self, record: RunRecord) -> None:
        step = final_step(record)
        for key, value in final_metrics(record).items():
            self.client.log_metric(self.run_id, f"metrics/{key}", value, step=step)
        self.client.set_tag(self.run_id, "status", str(record.status))
        path = samples_path(self.run)
        if path is not None:
            self.client.log_artifact(self.run_id, str(path))
        self.client.set_terminated(self.run_id, STATUSES.get(record.status, "FAILED"))
