"""Damaged results: a truncated or corrupt record, a garbage, truncated or malicious
checkpoint, a damaged preview. Each is reported on one line and its run trained again (or the
figure drawn without it); none crashes a sweep or a report, and none is silently dropped."""

from __future__ import annotations

import json
import pickle
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from genbench.api.record import SCHEMA_VERSION, RecordError, RunRecord
from genbench.api.storage import DamagedFileError, load_torch
from genbench.cli import cli
from tests.tiny_specs import entry, tiny_spec

SPEC = tiny_spec(
    entry("GAN", "gan"),
    benchmark={"name": "toy", "budget": "10 steps", "seeds": [0, 1]},
    evaluation={"metrics": ["precision-recall", "mode-coverage"]},
)
FEWER_METRICS = SPEC.replace(', "mode-coverage"', "")


@pytest.fixture(scope="module")
def finished(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A finished sweep of two runs, made once and copied by each test."""
    base = tmp_path_factory.mktemp("finished")
    (base / "spec.toml").write_text(SPEC)
    result = CliRunner().invoke(cli, ["run", str(base / "spec.toml"), "--out", str(base / "out")])
    assert result.exit_code == 0, result.output
    return base


@pytest.fixture
def sweep(finished: Path, tmp_path: Path) -> Path:
    shutil.copytree(finished, tmp_path / "sweep")
    return tmp_path / "sweep"


def run_dir(sweep: Path, seed: int) -> Path:
    return sweep / "out" / "toy" / "runs" / "gan" / f"seed-{seed}"


def rerun(sweep: Path, text: str = SPEC) -> str:
    (sweep / "spec.toml").write_text(text)
    result = CliRunner().invoke(cli, ["run", str(sweep / "spec.toml"), "--out", str(sweep / "out")])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert not list(sweep.rglob("*.tmp"))
    return result.output


def one_line_with(output: str, *phrases: str) -> str:
    lines = [line for line in output.splitlines() if all(p in line for p in phrases)]
    assert len(lines) == 1, output
    return lines[0]


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda text: text[: len(text) // 2], "not valid JSON"),
        (lambda text: "", "not valid JSON"),
        (lambda text: "[1, 2]", "expected a JSON object"),
        (lambda text: text.replace('"steps": 10', '"steps": "n/a"'), "train.steps"),
        (lambda text: text.replace('"config_hash"', '"config_hush"'), "config_hash: missing"),
        (lambda text: text.replace('"status": "ok"', '"status": "fine"'), "status"),
        (lambda text: text.replace('"seed": 0', '"seed": null'), "seed"),
    ],
    ids=["truncated", "empty", "a list", "n/a for a number", "a key lacking", "bad status", "null"],
)
def test_a_damaged_record_is_reported_and_its_run_trained_again(sweep, damage, reason):
    record = run_dir(sweep, 0) / "record.json"
    record.write_text(damage(record.read_text()))
    output = rerun(sweep)
    line = one_line_with(output, "damaged record")
    assert str(record) in line.replace("\n", "") and reason in line, line
    assert "1 run(s) trained, 0 evaluated again from their checkpoints, 1 reused" in output
    assert RunRecord.from_json(record.read_text()).status == "ok"


def test_report_names_a_damaged_record_and_keeps_the_others(sweep):
    record = run_dir(sweep, 1) / "record.json"
    record.write_text(record.read_text()[:100])
    result = CliRunner().invoke(cli, ["report", str(sweep / "out" / "toy")])
    assert result.exit_code == 0, result.output
    warning = one_line_with(result.stderr, "damaged record")
    assert "seed-1" in warning and "left out" in warning
    assert "GAN" in (sweep / "out" / "toy" / "table.md").read_text()


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: b"garbage" * 10,
        lambda data: data[: len(data) // 2],
        lambda data: b"",
    ],
    ids=["garbage", "truncated", "empty"],
)
def test_a_damaged_checkpoint_is_reported_and_its_run_trained_again(sweep, damage):
    checkpoint = run_dir(sweep, 0) / "checkpoint.pt"
    checkpoint.write_bytes(damage(checkpoint.read_bytes()))
    output = rerun(sweep, FEWER_METRICS)  # evaluation changed: checkpoints are read again
    line = one_line_with(output, "damaged checkpoint")
    assert "GAN seed 0" in line and "trains again" in line
    assert "1 run(s) trained, 1 evaluated again from their checkpoints, 0 reused" in output
    assert load_torch(checkpoint)["steps"] == 10


class Payload:
    """A pickle that, once unpickled, would create a file: it must never be."""

    def __init__(self, target: Path) -> None:
        self.target = target

    def __reduce__(self):
        return (Path.touch, (self.target,))


def test_a_malicious_checkpoint_is_never_executed(sweep, tmp_path):
    target = tmp_path / "pwned"
    checkpoint = run_dir(sweep, 0) / "checkpoint.pt"
    checkpoint.write_bytes(pickle.dumps(Payload(target)))
    with pytest.raises(
        DamagedFileError,
        match=r"checkpoint\.pt: damaged or not a genbench file \(it holds Python objects",
    ):
        load_torch(checkpoint)
    output = rerun(sweep, FEWER_METRICS)
    assert not target.exists()
    assert "damaged checkpoint" in output
    assert "1 run(s) trained, 1 evaluated again" in output


def test_a_damaged_preview_leaves_run_and_report_working(sweep):
    (run_dir(sweep, 0) / "preview.pt").write_bytes(b"\x00not a tensor")
    result = CliRunner().invoke(cli, ["report", str(sweep / "out" / "toy")])
    assert result.exit_code == 0, result.output
    assert "preview.pt: damaged or not a genbench file" in one_line_with(result.stderr, "preview")
    assert (sweep / "out" / "toy" / "samples.png").exists()
    assert "0 run(s) trained" in rerun(sweep)


def test_a_schema_1_record_is_migrated_and_reused(sweep):
    record = run_dir(sweep, 0) / "record.json"
    data = json.loads(record.read_text())
    assert data.pop("schema_version") == SCHEMA_VERSION
    record.write_text(json.dumps(data))  # the layout written before records were versioned
    assert "0 run(s) trained, 0 evaluated again from their checkpoints, 2 reused" in rerun(sweep)
    assert RunRecord.from_json(record.read_text()).schema_version == 1 + 1


def test_a_record_round_trips_and_a_newer_schema_is_refused(sweep):
    text = (run_dir(sweep, 0) / "record.json").read_text()
    record = RunRecord.from_json(text)
    assert record.train.steps == 10 and record.dataset.name == "ring-8"
    assert record.to_json() == text
    newer = json.loads(text) | {"schema_version": SCHEMA_VERSION + 1}
    with pytest.raises(RecordError, match="newer than this genbench reads"):
        RunRecord.from_dict(newer)


def dry_run(sweep: Path, text: str, *args: str) -> str:
    (sweep / "plan.toml").write_text(text)
    command = ["run", str(sweep / "plan.toml"), "--out", str(sweep / "out"), "--dry-run", *args]
    result = CliRunner().invoke(cli, command)
    assert result.exit_code == 0, result.output
    assert "nothing was written" in result.output
    return result.output


def test_dry_run_prints_the_plan_and_writes_nothing(sweep):
    (run_dir(sweep, 1) / "record.json").unlink()
    out = sweep / "out"
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*")}
    more_seeds = dry_run(sweep, SPEC, "--seeds", "0-2")
    assert "2 run(s) to train, 0 to evaluate again from their checkpoints, 1 to reuse" in (
        more_seeds
    )
    assert "estimated training time ~" in more_seeds  # from the speed of the earlier run
    fewer = dry_run(sweep, FEWER_METRICS)
    assert "1 run(s) to train, 1 to evaluate again from their checkpoints, 0 to reuse" in fewer
    timed = dry_run(sweep, SPEC.replace('"10 steps"', '"30s"'))
    assert "2 run(s) to train" in timed and "estimated training time ~60s" in timed
    side_by_side = dry_run(sweep, SPEC.replace('"10 steps"', '"30s"'), "--jobs", "2")
    assert "estimated training time ~30s (2 runs at once; evaluation extra)" in side_by_side
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*")} == before


def test_out_under_a_missing_parent_is_created(tmp_path):
    (tmp_path / "spec.toml").write_text(SPEC.replace("seeds = [0, 1]", "seeds = [0]"))
    out = tmp_path / "not" / "yet" / "there"
    result = CliRunner().invoke(cli, ["run", str(tmp_path / "spec.toml"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "toy" / "table.md").exists()
