"""`genbench.load_generator` gives back the generator a run evaluated: seeded as the evaluation
was, it draws the very samples the run was scored on (checked against the `preview.pt` the
sweep saved from them), for a fine-tuning entry and a record older than `sample_shape` too;
what is not a finished run is refused on one line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import torch

import genbench
from genbench.api.record import RunRecord
from genbench.api.storage import CACHE_ENV
from genbench.spec.benchmark import DATA_ROOT_ENV
from tests.tiny_specs import entry, tiny_spec

SPEC = tiny_spec(
    entry("GAN on wide-mlp", "gan", ema=0.9),
    entry("PR", "pr-optimizer", init_from="GAN on wide-mlp", critic_warmup=2),
    benchmark={"name": "loading", "budget": "30 steps"},
    # torch draws the noise of batches this small otherwise; precision-recall reads the real set
    evaluation={"batch_size": 7, "metrics": ["mode-coverage", "precision-recall"]},
)


@pytest.fixture(scope="module")
def finished(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The results folder of one finished sweep, made once; tests that alter it copy it."""
    base = tmp_path_factory.mktemp("loading")
    (base / "spec.toml").write_text(SPEC, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:  # the autouse isolation is per test
        patch.setenv(CACHE_ENV, str(base / "cache"))
        patch.setenv(DATA_ROOT_ENV, str(base / "data"))
        genbench.run(base / "spec.toml", out=base / "out", quiet=True)
    return base / "out" / "loading"


@pytest.fixture
def results(finished: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(finished, tmp_path / "loading"))


def saved_preview(run_dir: Path) -> torch.Tensor:
    return genbench.load_torch(run_dir / "preview.pt")


def assert_draws_what_was_scored(run_dir: Path) -> None:
    trained = genbench.load_generator(run_dir)
    record = trained.record
    preview = saved_preview(run_dir)
    drawn = trained.sample(record.eval_samples, seed=record.seed)
    assert drawn.shape == (record.eval_samples, 2)
    assert torch.equal(drawn[: len(preview)], preview)
    assert torch.equal(trained.evaluated_samples(), drawn)


def test_the_run_folder_is_the_entry_name_in_kebab_case(finished):
    assert sorted(p.name for p in (finished / "runs").iterdir()) == ["gan-on-wide-mlp", "pr"]
    assert sorted(p.name for p in (finished / "runs" / "pr").iterdir()) == ["seed-0"]


def test_a_loaded_generator_draws_the_samples_its_run_was_scored_on(finished):
    run_dir = finished / "runs" / "gan-on-wide-mlp" / "seed-0"
    assert_draws_what_was_scored(run_dir)
    trained = genbench.load_generator(run_dir)
    assert not trained.model.training
    assert trained.model.ema_decay == 0.9  # the weight average is what was scored
    assert trained.record.dataset.sample_shape == [2]
    assert trained.sample(7).shape == (7, 2)


def test_the_table_value_is_rebuilt_from_the_loaded_generator_and_the_real_subset(finished):
    """What a user checking a number does: the run's samples against the real samples it was
    scored against, through `genbench.evaluate`, give the record's values."""
    run_dir = finished / "runs" / "gan-on-wide-mlp" / "seed-0"
    trained = genbench.load_generator(run_dir)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(DATA_ROOT_ENV, str(finished.parent.parent / "data"))
        real = trained.evaluated_real()
    fake = trained.evaluated_samples()
    metrics = ["mode-coverage", "precision-recall"]
    values = genbench.evaluate(real, fake, metrics=metrics, dataset="ring-8")
    assert real.shape == fake.shape
    assert values == pytest.approx(trained.record.metrics, nan_ok=True)


def test_the_checkpoint_holds_what_the_readme_says(finished):
    state = genbench.load_torch(finished / "runs" / "gan-on-wide-mlp" / "seed-0" / "checkpoint.pt")
    assert set(state) == {"model", "g_optimizer", "d_optimizer", "steps", "training_hash"}
    assert any(key.startswith("generator_average.") for key in state["model"])
    assert state["steps"] == 30


def test_a_fine_tuned_entry_loads_from_the_run_it_started_from(finished):
    assert_draws_what_was_scored(finished / "runs" / "pr" / "seed-0")


def test_a_record_written_before_sample_shape_loads_the_data_to_learn_it(results):
    run_dir = results / "runs" / "pr" / "seed-0"
    for folder in (run_dir, results / "runs" / "gan-on-wide-mlp" / "seed-0"):
        data = json.loads((folder / "record.json").read_text(encoding="utf-8"))
        del data["dataset"]["sample_shape"]
        (folder / "record.json").write_text(json.dumps(data), encoding="utf-8")
    assert RunRecord.from_json((run_dir / "record.json").read_text()).dataset.sample_shape == []
    assert_draws_what_was_scored(run_dir)


def set_status(run_dir: Path, status: str, **fields: object) -> None:
    data = json.loads((run_dir / "record.json").read_text(encoding="utf-8"))
    (run_dir / "record.json").write_text(json.dumps({**data, "status": status, **fields}))


def one_line_refusal(run_dir: Path) -> str:
    with pytest.raises(genbench.UserError) as caught:
        genbench.load_generator(run_dir)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_what_is_not_a_finished_run_is_refused_on_one_line(results):
    run_dir = results / "runs" / "gan-on-wide-mlp" / "seed-0"
    assert "is not a run folder" in one_line_refusal(results)
    assert "is not a run folder" in one_line_refusal(results / "runs" / "absent" / "seed-0")
    error = {"type": "ValueError", "message": "boom", "traceback": "Traceback\n..."}
    set_status(run_dir, "failed", error=error)
    assert "the run failed (boom); `genbench run SPEC` trains it again" in one_line_refusal(run_dir)
    set_status(run_dir, "diverged", diverged={"step": 12, "reason": "loss is nan"})
    assert "diverged at step 12" in one_line_refusal(run_dir)
    set_status(run_dir, "ok", diverged=None, error=None)
    (run_dir / "checkpoint.pt").unlink()
    assert "no checkpoint.pt" in one_line_refusal(run_dir)


def test_a_fine_tuned_entry_without_its_starting_run_is_refused(results):
    shutil.rmtree(results / "runs" / "gan-on-wide-mlp")
    message = one_line_refusal(results / "runs" / "pr" / "seed-0")
    assert "fine-tunes 'GAN on wide-mlp' seed 0, whose run is not in" in message
