"""`genbench run --log tensorboard,wandb,mlflow`: each logger's files, read back with its own
library, offline; unknown names and missing libraries are one-line errors."""

from __future__ import annotations

import json
import struct
import sys
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner

import genbench
from genbench.cli import cli
from genbench.errors import UserError
from genbench.registry import Registry
from tests.tiny_specs import entry, tiny_spec

SPEC = tiny_spec(entry("GAN", "gan"), benchmark={"name": "toy", "budget": "60 steps"})
# The engine logs once per 25 generator steps and at the end of the budget.
LOG_STEPS = [25, 50, 60]


@pytest.fixture(scope="module")
def logged(tmp_path_factory):
    """One tiny sweep logged to all three; wandb offline and MLflow on a file store, in tmp."""
    base = tmp_path_factory.mktemp("loggers")
    spec = base / "spec.toml"
    spec.write_text(SPEC, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WANDB_MODE", "offline")
        patch.setenv("WANDB_DIR", str(base / "wandb"))
        patch.setenv("WANDB_SILENT", "true")
        patch.setenv("MLFLOW_TRACKING_URI", (base / "mlruns").as_uri())
        patch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")
        args = ["run", str(spec), "--out", str(base / "out"), "--log", "tensorboard,wandb"]
        result = CliRunner().invoke(cli, [*args, "--log", "mlflow"])
    assert result.exit_code == 0, result.output
    run_dir = base / "out" / "toy" / "runs" / "gan" / "seed-0"
    return base, run_dir, json.loads((run_dir / "record.json").read_text())


def test_tensorboard_events_hold_training_scalars_metrics_and_samples(logged):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    _, run_dir, record = logged
    events = EventAccumulator(str(run_dir / "tb"), size_guidance={"images": 0}).Reload()
    tags = events.Tags()
    assert {"train/d_loss", "train/g_loss"} <= set(tags["scalars"]), tags["scalars"]
    assert [e.step for e in events.Scalars("train/d_loss")] == LOG_STEPS
    assert events.Scalars("metrics/modes")[0].value == pytest.approx(record["metrics"]["modes"])
    assert events.Scalars("metrics/modes")[0].step == record["train"]["steps"]
    assert tags["images"] == ["samples"]
    assert events.Images("samples")[0].encoded_image_string[:4] == b"\x89PNG"


def test_mlflow_run_holds_scalars_metrics_and_the_sample_grid(logged):
    from mlflow.tracking import MlflowClient

    base, _, record = logged
    client = MlflowClient((base / "mlruns").as_uri())
    experiment = client.get_experiment_by_name("toy")
    (run,) = client.search_runs([experiment.experiment_id])
    assert run.info.run_name == "GAN seed 0" and run.info.status == "FINISHED"
    history = client.get_metric_history(run.info.run_id, "train/g_loss")
    assert [m.step for m in history] == LOG_STEPS
    assert run.data.metrics["metrics/modes"] == pytest.approx(record["metrics"]["modes"])
    assert run.data.tags["status"] == "ok"
    assert {a.path for a in client.list_artifacts(run.info.run_id)} >= {"samples.png"}


def wandb_records(path: Path) -> list[tuple[str, dict]]:
    """(kind, {key: value}) of the history and summary records of a .wandb file: a LevelDB-style
    log (7-byte file header, 32 KiB blocks, chunks with a crc32/length/type header) of wandb's
    protobuf Records. wandb >= 0.19 ships no Python reader for it."""
    from wandb.proto import wandb_internal_pb2

    data, block, header = path.read_bytes(), 32768, 7
    assert data[:4] == b":W&B"
    position, pending, found = header, b"", []
    while position + header <= len(data):
        if block - position % block < header:
            position += block - position % block
            continue
        _, length, kind = struct.unpack("<IHB", data[position : position + header])
        pending += data[position + header : position + header + length]
        position += header + length
        if kind not in (1, 4):  # FULL or LAST ends a record
            continue
        record = wandb_internal_pb2.Record()
        record.ParseFromString(pending)
        pending = b""
        which = record.WhichOneof("record_type")
        if which in ("history", "summary"):
            items = record.history.item if which == "history" else record.summary.update
            found.append(
                (which, {"/".join(i.nested_key) or i.key: json.loads(i.value_json) for i in items})
            )
    return found


def test_wandb_offline_run_holds_scalars_metrics_and_samples(logged):
    base, _, record = logged
    (folder,) = (base / "wandb" / "wandb").glob("offline-run-*")
    (path,) = folder.glob("run-*.wandb")
    records = wandb_records(path)
    history = [values for kind, values in records if kind == "history"]
    assert [h["_step"] for h in history if "train/g_loss" in h] == LOG_STEPS
    summary = {k: v for kind, values in records if kind == "summary" for k, v in values.items()}
    assert summary["metrics/modes"] == pytest.approx(record["metrics"]["modes"])
    assert summary["status"] == "ok"
    assert list((folder / "files" / "media" / "images").glob("samples_*.png"))


def test_unknown_logger_is_a_one_line_error(write_spec, tmp_path):
    result = CliRunner().invoke(cli, ["run", str(write_spec(SPEC)), "--log", "tensorbord"])
    assert result.exit_code == 2
    assert "--log tensorbord: no such logger; did you mean 'tensorboard'?" in result.output


@pytest.mark.parametrize(
    ("name", "module"),
    [("tensorboard", "torch.utils.tensorboard"), ("wandb", "wandb"), ("mlflow", "mlflow")],
)
def test_missing_library_says_what_to_install(registry, monkeypatch, tmp_path, name, module):
    monkeypatch.setitem(sys.modules, module, None)  # import now fails as if not installed
    monkeypatch.setitem(sys.modules, f"{module}.tracking", None)
    info = genbench.RunInfo("toy", "GAN", 0, tmp_path, {}, "0" * 16, "0" * 16, (name,))
    with pytest.raises(UserError, match=rf"pip install 'genbench\[{name}\]'"):
        registry.hook.genbench_run_started(run=info)


def test_plugin_loads_without_any_logging_library(monkeypatch):
    for module in ("torch.utils.tensorboard", "wandb", "mlflow", "tensorboard"):
        monkeypatch.setitem(sys.modules, module, None)
    for loaded in [m for m in sys.modules if m.startswith("genbench_loggers")]:
        monkeypatch.delitem(sys.modules, loaded)
    registry = Registry.load(autoload=False)
    info = next(p for p in registry.plugins if p.name.endswith("genbench_loggers"))
    assert info.error is None
    names = {n for found in registry.hook.genbench_logger_names() for n in found}
    assert names == {"tensorboard", "wandb", "mlflow"}


def test_runs_without_log_open_no_logger(registry, tmp_path):
    info = genbench.RunInfo("toy", "GAN", 0, tmp_path, {}, "0" * 16, "0" * 16)
    registry.hook.genbench_run_started(run=info)
    registry.hook.genbench_run_finished(run=info, record={"metrics": {}})
    assert not any(Path(tmp_path).iterdir())


def test_a_failing_logger_warns_and_the_run_goes_on(registry, monkeypatch, tmp_path):
    from genbench_loggers.tensorboard_logger import TensorBoardLogger

    def broken(self, step, scalars):
        raise OSError("disk full")

    monkeypatch.setattr(TensorBoardLogger, "log", broken)
    info = genbench.RunInfo("toy", "GAN", 0, tmp_path, {}, "0" * 16, "0" * 16, ("tensorboard",))
    registry.hook.genbench_run_started(run=info)
    with pytest.warns(UserWarning, match="TensorBoardLogger for 'GAN' seed 0 stopped: OSError"):
        registry.hook.genbench_train_log(run=info, step=1, scalars={"g_loss": 1.0}, progress=0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the stopped logger is not called again
        registry.hook.genbench_train_log(run=info, step=2, scalars={"g_loss": 1.0}, progress=0.5)
        registry.hook.genbench_run_finished(run=info, record={"metrics": {}, "train": {}})
