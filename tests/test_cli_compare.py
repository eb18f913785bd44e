"""`genbench compare A B` on two results folders made by tiny sweeps."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from genbench.cli import cli
from genbench.report import stats
from tests.tiny_specs import entry, tiny_spec

SPEC = tiny_spec(entry("GAN", "gan"), benchmark={"name": "toy", "seeds": [0, 1]})


@pytest.fixture(scope="module")
def two_results(tmp_path_factory):
    """The same spec trained for 20 and for 40 steps, into two results folders."""
    base = tmp_path_factory.mktemp("compare")
    spec = base / "spec.toml"
    spec.write_text(SPEC, encoding="utf-8")
    for out, budget in (("a", "20 steps"), ("b", "40 steps")):
        result = CliRunner().invoke(
            cli, ["run", str(spec), "--out", str(base / out), "--budget", budget]
        )
        assert result.exit_code == 0, result.output
    return base / "a" / "toy", base / "b" / "toy"


def test_compare_prints_b_minus_a_with_intervals(two_results):
    a, b = two_results
    result = CliRunner().invoke(cli, ["compare", str(a), str(b)])
    assert result.exit_code == 0, result.output
    assert "B - A" in result.output and "paired t-test (2 shared seeds)" in result.output
    assert "High quality" in result.output and "Modes" in result.output


def test_compare_json_rows_are_the_per_seed_differences(two_results):
    a, b = two_results
    result = CliRunner().invoke(cli, ["compare", str(a), str(b), "--json"])
    assert result.exit_code == 0, result.output
    rows = {row["metric"]: row for row in json.loads(result.output)}
    records = {}
    for side, folder in (("a", a), ("b", b)):
        for path in folder.glob("runs/*/*/record.json"):
            record = json.loads(path.read_text())
            records[side, record["seed"]] = record["metrics"]
    row = rows["high_quality"]
    diffs = [records["b", s]["high_quality"] - records["a", s]["high_quality"] for s in (0, 1)]
    assert row["entry"] == "GAN" and row["test"] == stats.PAIRED
    assert row["difference"] == pytest.approx(sum(diffs) / 2)
    assert row["p_value"] == pytest.approx(stats.paired_t_test(diffs), nan_ok=True)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx(stats.bootstrap_interval(diffs))


def test_compare_needs_records_on_both_sides(two_results, tmp_path):
    a, _ = two_results
    result = CliRunner().invoke(cli, ["compare", str(a), str(tmp_path)])
    assert result.exit_code == 2 and "no run records" in result.output


@pytest.fixture(scope="module")
def two_entries(tmp_path_factory):
    """One folder holding two entries trained on the same seeds."""
    base = tmp_path_factory.mktemp("baseline")
    spec = base / "spec.toml"
    spec.write_text(SPEC + '\n[[entry]]\nname = "Minimax"\nmodel = "gan"\n'
                    'generator_loss = "minimax"\n', encoding="utf-8")  # fmt: skip
    result = CliRunner().invoke(cli, ["run", str(spec), "--out", str(base)])
    assert result.exit_code == 0, result.output
    return base / "toy"


def test_baseline_compares_every_other_entry_of_one_folder_on_shared_seeds(two_entries):
    result = CliRunner().invoke(cli, ["compare", str(two_entries), "--baseline", "GAN", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert {row["entry"] for row in rows} == {"Minimax"}
    metrics = {}
    for path in two_entries.glob("runs/*/*/record.json"):
        record = json.loads(path.read_text())
        metrics[record["entry"], record["seed"]] = record["metrics"]["modes"]
    row = next(row for row in rows if row["metric"] == "modes")
    diffs = [metrics["Minimax", s] - metrics["GAN", s] for s in (0, 1)]
    assert row["test"] == stats.PAIRED and row["difference"] == pytest.approx(sum(diffs) / 2)
    table = CliRunner().invoke(cli, ["compare", str(two_entries), "--baseline", "GAN"]).output
    assert "A = 'GAN' in" in table and "Minimax" in table


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--baseline", "GAM"], "no entry 'GAM' in these results; entries: GAN, Minimax"),
        (["--baseline", "GAN", "elsewhere"], "give two results folders, or one and --baseline"),
        ([], "give two results folders, or one and --baseline"),
    ],
    ids=["unknown-entry", "two-folders-and-a-baseline", "one-folder-alone"],
)
def test_baseline_mistakes_are_one_line(two_entries, extra, message):
    result = CliRunner().invoke(cli, ["compare", str(two_entries), *extra])
    assert result.exit_code == 2 and message in result.output
    assert len(result.output.strip().splitlines()) == 1
