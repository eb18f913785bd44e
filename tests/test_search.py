"""The `[search]` table: every entry gets the same trials and budget, hopeless trials are
pruned on the timeline, a killed search resumes without re-running finished trials, and the
best settings are written as a spec and run with the benchmark's seeds."""

from __future__ import annotations

import math
import os
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path
from typing import Any

import numpy as np
import optuna
import pytest
from click.testing import CliRunner

from genbench.api.layout import SearchFiles
from genbench.api.record import RunRecord, TimelineFacts
from genbench.cli import cli
from genbench.report.search_results import best_within
from genbench.search.pruning import prune_bounds
from genbench.search.run import best_values
from genbench.spec.load import load_spec
from genbench.spec.searching import PruneBounds, SearchSpec
from genbench.sweep.records import trial_records
from tests.tiny_specs import entry, tiny_spec

SPACE = {"lr_g": {"log_uniform": [1e-4, 1e-2]}, "betas[0]": {"choice": [0.0, 0.5]}}


def search_spec(search: dict[str, Any] | None = None, *entries: dict[str, Any]) -> str:
    return tiny_spec(
        *(entries or (entry("GAN", "gan"), entry("hinge", "fgan", divergence="hinge"))),
        benchmark={"name": "tuned", "budget": "60 steps", "seeds": [0, 1]},
        evaluation={"every": "20 steps", "every_samples": 100},
        tables={
            "search": {
                "trials": 3,
                "metric": "high_quality",
                "sampler": "random",
                "space": SPACE,
                **(search or {}),
            }
        },
    )


def run_cli(*args: str) -> Any:
    return CliRunner().invoke(cli, [*args], catch_exceptions=False)


def studies(results: Path) -> dict[str, optuna.Study]:
    storage = f"sqlite:///{SearchFiles(results).study}"
    names = [s.study_name for s in optuna.get_all_study_summaries(storage)]
    return {name: optuna.load_study(study_name=name, storage=storage) for name in names}


def test_a_search_gives_every_entry_its_trials_and_runs_the_best_settings_with_the_seeds(
    write_spec: Any, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = run_cli("run", str(write_spec(search_spec())), "--out", str(out))
    assert result.exit_code == 0, result.output
    results = out / "tuned"
    found = studies(results)
    assert sorted(found) == ["GAN", "hinge"]
    for study in found.values():
        assert len(study.trials) == 3
        assert all(t.state != optuna.trial.TrialState.RUNNING for t in study.trials)
    trials = trial_records(results)
    assert {name: len(records) for name, records in trials.items()} == {"GAN": 3, "hinge": 3}
    seeds = {r.seed for records in trials.values() for r in records}
    assert seeds == {1000, 1001, 1002}  # apart from the benchmark's seeds
    # The same random points for the same space: the entries were tuned alike.
    assert [t.params for t in found["GAN"].trials] == [t.params for t in found["hinge"].trials]
    best = tomllib.loads(SearchFiles(results).best_spec.read_text())
    assert "search" not in best
    for table in best["entry"]:
        values = best_values(found[table["name"]])
        assert table["lr_g"] == values["lr_g"]
        assert table["betas"][0] == values["betas[0]"]
    report = (results / "report.md").read_text()
    assert "## Search: best high_quality within k trials" in report
    assert "search.png" in report
    runs = {(r["entry"], r["seed"]) for r in _records(results / "runs")}
    assert runs == {(name, seed) for name in ("GAN", "hinge") for seed in (0, 1)}
    again = run_cli("run", str(write_spec(search_spec())), "--out", str(out))
    assert "0 search trial(s) run" in again.output and "0 run(s) trained" in again.output


def _records(folder: Path) -> list[dict[str, Any]]:
    return [RunRecord.from_json(p.read_text()).to_dict() for p in folder.rglob("record.json")]


def test_median_pruning_stops_trials_behind_the_finished_ones_and_counts_their_compute(
    write_spec: Any, tmp_path: Path
) -> None:
    spec = search_spec(
        {
            "trials": 8,
            "prune": "median",
            "prune_after": 2,
            "space": {"lr_g": {"log_uniform": [1e-6, 1e-1]}},
        },
        entry("GAN", "gan"),
    )
    spec = spec.replace('budget = "60 steps"', 'budget = "200 steps"')
    result = run_cli("run", str(write_spec(spec)), "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    records = trial_records(tmp_path / "tuned")["GAN"]
    pruned = [r for r in records if r.status == "pruned"]
    assert pruned, [r.status for r in records]
    for record in pruned:
        assert record.pruned is not None and record.train.steps < 200
        assert record.train.flops > 0 and not record.metrics  # its evaluation was not spent
        bounds = record.config["entry"]["prune"]
        point = record.pruned.point
        value = record.timeline.values["high_quality"][point - 1]  # type: ignore[union-attr]
        assert value is None or value < bounds["bounds"][bounds["points"].index(point)]
    assert "pruned" in (tmp_path / "tuned" / "report.md").read_text()


def _halving_records(rows: list[list[float]]) -> list[RunRecord]:
    records = []
    for row in rows:
        record = RunRecord.from_dict(
            {
                "benchmark": "b",
                "entry": "e #0",
                "seed": 0,
                "status": "ok",
                "config": {},
                "config_hash": "",
                "dataset": {"name": "d"},
                "features": {"name": "f"},
            }
        )
        record.timeline = TimelineFacts(every="1 steps", samples=10, values={"fid": list(row)})
        record.timeline.steps = list(range(len(row)))
        records.append(record)
    return records


def _search(rule: str, after: int = 2) -> SearchSpec:
    return SearchSpec(3, "tpe", "fid", False, rule, after, 0)


def test_the_median_rule_bounds_each_point_by_the_finished_trials_median() -> None:
    records = _halving_records([[9.0, 5.0, 3.0], [7.0, 6.0, 1.0], [8.0, 8.0, 2.0]])
    bounds = prune_bounds(_search("median"), records)
    assert bounds == PruneBounds("fid", False, (2, 3), (6.0, 2.0))
    assert prune_bounds(_search("median", after=4), records) is None
    assert prune_bounds(_search("none"), records) is None


def test_halving_keeps_the_best_third_at_points_2_6_18() -> None:
    rows = [[0.0] * 6 for _ in range(6)]
    for i, row in enumerate(rows):
        row[1], row[5] = float(10 + i), float(20 - i)
    bounds = prune_bounds(_search("halving"), _halving_records(rows))
    # Best third of six (lower is better): the second best value at each rung.
    assert bounds == PruneBounds("fid", False, (2, 6), (11.0, 16.0))


def test_a_bound_stops_a_run_only_when_it_is_behind() -> None:
    bounds = PruneBounds("fid", False, (2, 3), (50.0, 40.0))
    assert bounds.verdict(1, 99.0) is None
    assert bounds.verdict(2, 49.0) is None
    assert "worse than the bound 40" in (bounds.verdict(3, 41.0) or "")
    assert bounds.verdict(3, math.nan) is not None
    higher = PruneBounds("high_quality", True, (2,), (0.5,))
    assert higher.verdict(2, 0.6) is None and higher.verdict(2, 0.4) is not None


def test_the_best_within_k_trials_matches_the_order_statistics() -> None:
    values = [3.0, 1.0, 2.0, 5.0, 4.0]
    curve = best_within(values, higher_is_better=False, orders=4000)
    assert curve[-1].tolist() == [1.0, 1.0, 1.0]  # all trials: the best, whatever the order
    assert curve[0, 0] == 3.0 and curve[0, 1] == 1.0 and curve[0, 2] == 5.0
    # Best of 2 of 5 distinct values: P(min <= 2nd smallest) = 1 - C(3,2)/C(5,2) = 0.7 > 0.5.
    assert curve[1, 0] == 2.0
    higher = best_within([0.1, None, 0.3], higher_is_better=True, orders=4000)
    assert higher[-1, 0] == 0.3 and higher[0, 1] == -math.inf
    assert np.all(np.diff(curve[:, 0]) <= 0)


def test_a_killed_search_resumes_without_running_finished_trials_again(
    write_spec: Any, tmp_path: Path
) -> None:
    spec = write_spec(
        search_spec({"trials": 4, "sampler": "tpe"}, entry("GAN", "gan")), "killed.toml"
    )
    out = tmp_path / "killed"
    command = [sys.executable, "-m", "genbench", "run", str(spec), "--out", str(out)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    trials = SearchFiles(out / "tuned").trials / "runs"
    deadline = time.monotonic() + 240
    while len(list(trials.rglob("record.json"))) < 2 and time.monotonic() < deadline:
        assert process.poll() is None, "the search ended before it could be killed"
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    before = {p: p.stat().st_mtime_ns for p in trials.rglob("record.json")}
    assert 2 <= len(before) < 4
    result = run_cli("run", str(spec), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert all(p.stat().st_mtime_ns == t for p, t in before.items())  # not run again
    resumed = studies(out / "tuned")["GAN"]
    counted = [t for t in resumed.trials if "genbench_values" in t.user_attrs]
    assert len(counted) == 4
    assert all(t.state != optuna.trial.TrialState.RUNNING for t in resumed.trials)
    whole = tmp_path / "whole"
    assert run_cli("run", str(spec), "--out", str(whole)).exit_code == 0
    uninterrupted = studies(whole / "tuned")["GAN"]
    assert [t.user_attrs["genbench_values"] for t in counted] == [
        t.user_attrs["genbench_values"] for t in uninterrupted.trials
    ]


def test_a_folder_holding_a_search_of_another_space_is_refused(
    write_spec: Any, tmp_path: Path
) -> None:
    first = search_spec({"trials": 1}, entry("GAN", "gan"))
    assert run_cli("run", str(write_spec(first)), "--out", str(tmp_path)).exit_code == 0
    other = first.replace("0.01]", "0.02]")
    result = run_cli("run", str(write_spec(other)), "--out", str(tmp_path))
    assert result.exit_code == 2
    assert "holds a search of 'GAN' over another space" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_a_dry_run_says_what_the_search_will_do_and_writes_nothing(
    write_spec: Any, tmp_path: Path
) -> None:
    result = run_cli("run", str(write_spec(search_spec())), "--out", str(tmp_path), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "2 entries x 3 trials (random, prune none, 60 steps each), 0/6 asked" in result.output
    assert not any(tmp_path.rglob("*.db"))


BAD = {
    "unknown sampler": ({"sampler": "grid"}, "search.sampler"),
    "space key no model takes": (
        {"space": {"lr_x": {"uniform": [0.1, 0.2]}}},
        "search.space.lr_x",
    ),
    "log range from zero": ({"space": {"lr_g": {"log_uniform": [0.0, 0.1]}}}, "search.space.lr_g"),
    "low above high": ({"space": {"lr_g": {"uniform": [0.2, 0.1]}}}, "search.space.lr_g"),
    "a choice the parameter refuses": (
        {"space": {"betas[0]": {"choice": [0.5, 1.5]}}},
        "search.space.betas[0]",
    ),
    "unknown distribution": ({"space": {"lr_g": {"normal": [0.1, 0.2]}}}, "search.space.lr_g"),
    "metric no metric reports": ({"metric": "fid"}, "search.metric"),
    "zero trials": ({"trials": 0}, "search.trials"),
}


@pytest.mark.parametrize(("search", "key"), BAD.values(), ids=BAD.keys())
def test_every_bad_search_value_is_refused_before_anything_trains(
    write_spec: Any, tmp_path: Path, search: dict[str, Any], key: str
) -> None:
    result = run_cli("run", str(write_spec(search_spec(search))), "--out", str(tmp_path))
    assert result.exit_code == 2, result.output
    assert f": {key}" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not any(tmp_path.glob("tuned"))


def test_pruning_needs_the_timeline_and_an_entry_space_needs_a_search(
    write_spec: Any, registry: Any
) -> None:
    spec = search_spec({"prune": "median"}).replace('every = "20 steps"\n', "")
    with pytest.raises(Exception, match=r"search.prune: 'median' prunes on the \[evaluation\]"):
        load_spec(write_spec(spec), registry)
    lone = tiny_spec(entry("GAN", "gan", search_space={"lr_g": {"uniform": [0.1, 0.2]}}))
    with pytest.raises(Exception, match=r"entry\[0\].search_space: searched only with"):
        load_spec(write_spec(lone), registry)


def test_the_documented_search_spec_is_valid(registry: Any, tmp_path: Path) -> None:
    text = (Path(__file__).parent.parent / "docs" / "search.md").read_text(encoding="utf-8")
    block = text[text.index("```toml\n") + 8 : text.index("```", text.index("```toml\n") + 8)]
    path = tmp_path / "documented.toml"
    path.write_text(block)
    spec = load_spec(path, registry)
    assert spec.search is not None and spec.search.own_space == ("WGAN-GP",)
    assert [d.path for d in spec.search.spaces["WGAN-GP"]][-1] == "n_critic"


def test_the_report_says_which_entry_searched_a_space_of_its_own(
    write_spec: Any, tmp_path: Path
) -> None:
    own = entry("hinge", "fgan", divergence="hinge", search_space={"n_critic": {"int": [1, 3]}})
    spec = search_spec({"trials": 1}, entry("GAN", "gan"), own)
    result = run_cli(
        "run", str(write_spec(spec.replace("60 steps", "20 steps"))), "--out", str(tmp_path)
    )
    assert result.exit_code == 0, result.output
    report = (tmp_path / "tuned" / "report.md").read_text()
    assert "Most entries searched betas[0], lr_g." in report
    assert "hinge searched a space of its own (also n_critic)." in report


def test_a_worker_that_outlives_a_round_runs_the_next_round_written_to_the_same_file(
    write_spec: Any, tmp_path: Path, registry: Any
) -> None:
    """A search rewrites one round spec; a worker that lives on (a Ray worker) must plan the
    new round's runs, not look them up among the old round's."""
    from genbench.api.executor import RunTask
    from genbench.sweep.plan import plan_runs
    from genbench.sweep.worker import run_task

    def run(name: str) -> RunRecord:
        spec = load_spec(path, registry)
        (planned,) = plan_runs(spec, tmp_path)
        task = RunTask(path, {}, tmp_path, False, name, 0, planned.config_hash)
        return run_task(task)

    path = write_spec(tiny_spec(entry("GAN #0", "gan")), "round.toml")
    assert run("GAN #0").status == "ok"
    path.write_text(tiny_spec(entry("GAN #1", "gan", lr_g=1e-3)))
    assert run("GAN #1").status == "ok"
