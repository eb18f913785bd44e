"""The sweep runner: records, resume by config hash, failed and diverged rows, tables."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest
import torch
from click.testing import CliRunner
from rich.console import Console

import genbench
from genbench import registry as registry_module
from genbench.cli import cli
from genbench.plugin_manager import get_plugin_manager
from genbench.registry import Registry
from genbench.report.publish import publish
from genbench.report.tables import summarize
from genbench.spec.benchmark import Overrides
from genbench.spec.load import load_spec
from genbench.sweep.execute import execute_sweep
from genbench.sweep.plan import plan_runs
from tests.tiny_specs import entry, tiny_spec

SPEC = tiny_spec(
    entry("GAN", "gan"),
    entry("GAN minimax", "gan", generator_loss="minimax"),
    benchmark={"name": "toy", "seeds": [0, 1]},
    dataset={"samples": 2000},
    evaluation={"samples": 300, "metrics": ["precision-recall", "mode-coverage"]},
)


def run_cli(*args: str) -> str:
    result = CliRunner().invoke(cli, ["run", *args])
    assert result.exit_code == 0, result.output
    return result.output


def records(out: Path) -> dict[tuple[str, int], Path]:
    found = {}
    for path in out.glob("toy/runs/*/*/record.json"):
        record = json.loads(path.read_text())
        found[(record["entry"], record["seed"])] = path
    return found


def test_record_holds_what_a_reader_needs(write_spec, tmp_path):
    spec = write_spec(SPEC)
    run_cli(str(spec), "--out", str(tmp_path / "out"), "--seeds", "0")
    record = json.loads(records(tmp_path / "out")[("GAN", 0)].read_text())
    assert record["status"] == "ok"
    assert record["config"]["entry"]["params"]["lr_g"] == 2e-4
    assert len(record["config_hash"]) == 16
    assert {"genbench", "torch", "python"} <= set(record["versions"])
    assert record["machine"]["cpu_count"] >= 1 and record["device"] == "cpu"
    assert record["dataset"]["name"] == "ring-8" and record["dataset"]["fallback"] is None
    assert record["features"]["name"] == "identity"
    assert record["train"]["steps"] == 20 and record["train"]["seconds"] > 0
    assert record["train"]["samples_per_second"] > 0
    metrics = {"precision", "recall", "modes", "high_quality", "reverse_kl", "mode_tv"}
    assert set(record["metrics"]) == metrics
    # toy-mlp: G 8-128-128-128-2, D 2-128-128-128-1, each layer a weight matrix and a bias.
    g_count = (8 * 128 + 128) + 2 * (128 * 128 + 128) + (128 * 2 + 2)
    d_count = (2 * 128 + 128) + 2 * (128 * 128 + 128) + (128 + 1)
    assert record["model"] == {
        "name": "gan",
        "plugin": "genbench_gan",
        "ema": None,
        "generator_parameters": g_count,
        "critic_parameters": d_count,
        "classes": None,
    }
    assert record["plugins"]["genbench_gan"].startswith("genbench ")
    run_dir = records(tmp_path / "out")[("GAN", 0)].parent
    assert (run_dir / "checkpoint.pt").stat().st_size > 0
    assert (run_dir / "samples.png").read_bytes()[:4] == b"\x89PNG"
    state = torch.load(run_dir / "checkpoint.pt", weights_only=True)
    assert {"model", "g_optimizer", "d_optimizer"} <= set(state)


def test_rerun_trains_only_runs_without_a_matching_record(write_spec, tmp_path):
    spec, out = write_spec(SPEC), tmp_path / "out"
    assert "4 run(s) trained, 0 evaluated again" in run_cli(str(spec), "--out", str(out))
    paths = records(out)
    kept = {key: path.stat().st_mtime_ns for key, path in paths.items() if key != ("GAN", 1)}
    paths[("GAN", 1)].unlink()
    output = run_cli(str(spec), "--out", str(out))
    assert "1 run(s) trained, 0 evaluated again from their checkpoints, 3 reused" in output
    assert {key: records(out)[key].stat().st_mtime_ns for key in kept} == kept
    assert records(out)[("GAN", 1)].exists()
    forced = run_cli(str(spec), "--out", str(out), "--force")
    assert "4 run(s) trained, 0 evaluated again from their checkpoints, 0 reused" in forced


def test_an_entry_with_its_own_seeds_trains_those_and_the_command_line_overrides_all(
    registry, write_spec, tmp_path
):
    spec = write_spec(SPEC + 'seeds = "3-5"\n')
    out = tmp_path / "results"
    assert "5 run(s) to train" in run_cli(str(spec), "--out", str(out), "--dry-run")
    loaded = load_spec(spec, registry)
    plan = {(run.entry, run.seed) for run in plan_runs(loaded, out)}
    assert plan == {
        ("GAN", 0),
        ("GAN", 1),
        ("GAN minimax", 3),
        ("GAN minimax", 4),
        ("GAN minimax", 5),
    }
    run_cli(str(spec), "--out", str(out))
    more = write_spec(SPEC + 'seeds = "3-6"\n')
    assert "1 run(s) to train, 0 to evaluate again from their checkpoints, 5 to reuse" in run_cli(
        str(more), "--out", str(out), "--dry-run"
    )
    overridden = load_spec(spec, registry, Overrides(seeds="7"))
    assert {(run.entry, run.seed) for run in plan_runs(overridden, out)} == {
        ("GAN", 7),
        ("GAN minimax", 7),
    }


def test_changed_configuration_retrains_and_table_shows_only_current_runs(write_spec, tmp_path):
    spec, out = write_spec(SPEC), tmp_path / "out"
    run_cli(str(spec), "--out", str(out), "--seeds", "0")
    output = run_cli(str(spec), "--out", str(out), "--seeds", "0", "--budget", "30 steps")
    assert "2 run(s) trained, 0 evaluated again from their checkpoints, 0 reused" in output
    table = pd.read_csv(out / "toy" / "results.csv")
    assert list(table["steps_mean"]) == [30, 30]


def test_changed_evaluation_evaluates_saved_checkpoints_without_training(write_spec, tmp_path):
    spec, out = write_spec(SPEC), tmp_path / "out"
    run_cli(str(spec), "--out", str(out), "--seeds", "0")
    before = {k: json.loads(p.read_text()) for k, p in records(out).items()}
    checkpoints = {
        k: (p.parent / "checkpoint.pt").stat().st_mtime_ns for k, p in records(out).items()
    }
    fewer_metrics = write_spec(SPEC.replace(', "mode-coverage"', ""))
    output = run_cli(str(fewer_metrics), "--out", str(out), "--seeds", "0")
    assert "0 run(s) trained, 2 evaluated again from their checkpoints, 0 reused" in output
    for key, path in records(out).items():
        record = json.loads(path.read_text())
        assert record["training_reused"] is True
        assert record["train"] == before[key]["train"]
        assert set(record["metrics"]) == {"precision", "recall"}
        # sampling is seeded at evaluation, so the saved generator scores exactly as before
        assert record["metrics"]["recall"] == before[key]["metrics"]["recall"]
        assert (path.parent / "checkpoint.pt").stat().st_mtime_ns == checkpoints[key]
    assert "Modes" not in (out / "toy" / "table.md").read_text()


def test_table_has_mean_and_std_over_seeds_and_marks_the_best(write_spec, tmp_path):
    spec, out = write_spec(SPEC), tmp_path / "out"
    run_cli(str(spec), "--out", str(out))
    runs = pd.read_csv(out / "toy" / "runs.csv")
    table = pd.read_csv(out / "toy" / "results.csv")
    gan = runs[runs["model"] == "GAN"]["recall"]
    row = table.set_index("model").loc["GAN"]
    assert row["recall_mean"] == pytest.approx(gan.mean())
    assert row["recall_std"] == pytest.approx(gan.std())
    markdown = (out / "toy" / "table.md").read_text()
    header = markdown.splitlines()[2]
    for label in ("Model", "Precision", "Recall", "Modes", "Train time (s)", "Steps", "Status"):
        assert label in header
    assert " ± " in markdown and "**" in markdown


class Faulty:
    """A plugin whose models fail to build or diverge, to prove the sweep goes on."""

    @genbench.hookimpl
    def genbench_register_models(self, register):
        gan = genbench.get("model", "gan")

        def broken(context):
            raise RuntimeError("out of coffee")

        def diverging(context):
            model = gan.build(context)
            model.generator_loss = lambda fake: model.critic(fake).mean() * math.nan
            return model

        register(genbench.ModelFamily("broken", "Fails to build.", broken))
        register(genbench.ModelFamily("diverging", "NaN loss.", diverging, gan.params))


FAULTY_SPEC = (
    SPEC.split("[[entry]]")[0]
    + """
[[entry]]
name = "Broken"
model = "broken"

[[entry]]
name = "Diverging"
model = "diverging"

[[entry]]
name = "GAN"
model = "gan"
"""
)


def test_failed_and_diverged_runs_are_rows_and_the_sweep_goes_on(write_spec, tmp_path):
    pm = get_plugin_manager()
    pm.register(Faulty(), name="faulty")
    registry = Registry(pm)
    registry_module.activate(registry)
    try:
        spec = load_spec(write_spec(FAULTY_SPEC), registry)
        outcome = execute_sweep(spec, registry, tmp_path / "out")
        publish(outcome.records, outcome.results_dir, "toy", Console(file=None))
    finally:
        registry_module.activate(None)
    # Footnote marks (a fallback dataset, a contended run on a busy machine) are not names.
    statuses = {row[0].rstrip(" †‡§"): row[-1] for row in summarize(outcome.records, "toy").rows}
    assert statuses == {"Broken": "failed", "Diverging": "diverged (step 1, 1)", "GAN": "ok"}
    assert len(outcome.failed) == 2
    record = json.loads(outcome.failed[0].read_text())
    assert record["error"]["message"] == "out of coffee"
    assert "RuntimeError" in record["error"]["traceback"]
    markdown = (tmp_path / "out" / "toy" / "table.md").read_text()
    assert "failed" in markdown and "diverged (step 1, 1)" in markdown


def test_report_rebuilds_the_table_from_records(write_spec, tmp_path):
    spec, out = write_spec(SPEC), tmp_path / "out"
    run_cli(str(spec), "--out", str(out), "--seeds", "0")
    (out / "toy" / "table.md").unlink()
    result = CliRunner().invoke(cli, ["report", str(out / "toy")])
    assert result.exit_code == 0, result.output
    assert "GAN minimax" in (out / "toy" / "table.md").read_text()
    empty = CliRunner().invoke(cli, ["report", str(tmp_path)])
    assert empty.exit_code == 2 and "no run records" in empty.output
