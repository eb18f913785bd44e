"""The comparison table's statistics: intervals, counts of diverged and failed runs, honest
marks (ties together, nothing on one seed), and the results.csv columns."""

from __future__ import annotations

from typing import Any

import pandas as pd

from genbench.api.record import RunRecord
from genbench.report import stats
from genbench.report.tables import summarize, to_markdown, write_tables

COLUMNS = [
    {"key": "recall", "label": "Recall", "higher_is_better": True, "digits": 3},
    {"key": "fid", "label": "FID", "higher_is_better": False, "digits": 2},
]


def record(entry: str, index: int, seed: int, status: str = "ok", **metrics: float) -> RunRecord:
    result: dict[str, Any] = {
        "benchmark": "toy",
        "entry": entry,
        "entry_index": index,
        "seed": seed,
        "status": status,
        "columns": COLUMNS,
        "metrics": metrics if status == "ok" else {},
        "train": {"seconds": 1.0, "steps": 20, "samples_per_second": 10.0},
        "dataset": {"name": "ring-8", "source": "generated", "fallback": None},
        "features": {"name": "identity"},
        "eval_samples": 100,
        "config": {"budget": "20 steps"},
        "device": "cpu",
        "config_hash": "0" * 16,
    }
    if status == "diverged":
        result["diverged"] = {"step": 7, "reason": "NaN loss"}
    return RunRecord.from_dict(result)


def sweep(values: dict[str, list[tuple[float, float]]]) -> list[RunRecord]:
    return [
        record(name, index, seed, recall=recall, fid=fid)
        for index, (name, runs) in enumerate(values.items())
        for seed, (recall, fid) in enumerate(runs)
    ]


def bold(summary, column: int) -> set[str]:
    return {summary.rows[row][0] for row, c in summary.best if c == column}


def test_ties_are_marked_together_and_a_clear_winner_alone() -> None:
    # Recall: B - A per seed = 0.1, 0.2, 0.3 (paired t = sqrt 12, p = 0.074): tied; B - C =
    # 0.35, 0.54, 0.75 (t = 4.73, p = 0.042): C is not. FID: C lower by about 100 on every seed.
    records = sweep(
        {
            "A": [(0.3, 300.0), (0.4, 310.0), (0.5, 305.0)],
            "B": [(0.4, 290.0), (0.6, 300.0), (0.8, 320.0)],
            "C": [(0.05, 200.0), (0.06, 201.0), (0.05, 203.0)],
        }
    )
    summary = summarize(records, "toy")
    assert bold(summary, 1) == {"A", "B"}
    assert bold(summary, 2) == {"C"}
    assert stats.FOOTNOTE in summary.notes
    markdown = to_markdown(summary)
    assert "paired on shared seeds, Welch's otherwise" in markdown
    # mean ± std [bootstrap interval]: B's recall 0.6 ± 0.2, resampled means within [0.4, 0.8]
    assert "**0.600 ± 0.200 [0.4" in markdown


def test_one_seed_marks_nothing_and_says_why() -> None:
    summary = summarize(sweep({"A": [(0.1, 300.0)], "B": [(0.9, 100.0)]}), "toy")
    assert summary.best == set()
    assert any(stats.ONE_SEED_NOTE in note for note in summary.notes)
    assert "**" not in to_markdown(summary)


def test_diverged_and_failed_runs_are_counted_and_values_show_their_n(tmp_path) -> None:
    records = [
        *sweep({"A": [(0.5, 100.0), (0.6, 110.0), (0.7, 90.0)]}),
        record("B", 1, 0, recall=0.2, fid=200.0),
        record("B", 1, 1, recall=0.3, fid=210.0),
        record("B", 1, 2, status="diverged"),
        record("C", 2, 0, status="failed"),
        record("C", 2, 1, status="failed"),
    ]
    summary = summarize(records, "toy")
    row = summary.rows[1]
    assert row[1].endswith("(n=2)") and row[-1] == "ok 2/3, diverged 1/3 (step 7)"
    assert summary.rows[2][1] == "—" and summary.rows[2][-1] == "failed"
    write_tables(summary, tmp_path)
    table = pd.read_csv(tmp_path / "results.csv").set_index("model")
    for column in ("recall_ci_low", "recall_ci_high", "recall_n", "fid_n"):
        assert column in table.columns
    assert list(table["n_diverged"]) == [0, 1, 0]
    assert list(table["n_failed"]) == [0, 0, 2]
    assert list(table["recall_n"]) == [3, 2, 0]
    a = table.loc["A"]
    assert a["recall_ci_low"] <= a["recall_mean"] <= a["recall_ci_high"]
    assert (a["recall_ci_low"], a["recall_ci_high"]) == stats.bootstrap_interval([0.5, 0.6, 0.7])
