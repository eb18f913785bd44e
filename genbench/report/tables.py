"""Consolidated results: per-run records -> one comparison table, mean ± std over seeds.

The same table goes to the terminal (rich), `table.md` (tabulate, GitHub format) and
`results.csv` (pandas: per column mean, std, n and bootstrap interval; per entry the counts of
diverged and failed runs); `runs.csv` keeps one row per run. The statistics, and which cells
may be marked best, come from `genbench.report.stats`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from tabulate import tabulate

from genbench.api.metric import Column
from genbench.api.record import RunRecord
from genbench.api.storage import write_atomic
from genbench.report import stats
from genbench.report.recipes import RECIPE_MARK, recipe_differences, recipe_note

TIME_COLUMN = Column("train_seconds", "Train time (s)", None, digits=1)
STEPS_COLUMN = Column("steps", "Steps", None, digits=0)
FALLBACK_MARK = "†"
CONTENDED_MARK = "‡"


@dataclass
class Summary:
    """The comparison table: cells as text, which cells are best, and notes under it."""

    title: str
    headers: list[str]
    rows: list[list[str]]
    best: set[tuple[int, int]] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    frame: pd.DataFrame = field(default_factory=pd.DataFrame)
    runs: pd.DataFrame = field(default_factory=pd.DataFrame)


def summarize(records: list[RunRecord], title: str) -> Summary:
    """Group records by entry (in spec order) and format mean ± std per column."""
    records = sorted(records, key=lambda r: (r.entry_index, r.seed))
    columns = [*_metric_columns(records), TIME_COLUMN, STEPS_COLUMN]
    entries: dict[str, list[RunRecord]] = {}
    for record in records:
        entries.setdefault(record.entry, []).append(record)
    summary = Summary(title, ["Model", *(c.label for c in columns), "Status"], [])
    numeric_rows, seed_values = [], []
    recipes = recipe_differences(records)
    for name, group in entries.items():
        values = {c.key: _seed_values(group, c.key) for c in columns}
        marked = any(r.dataset.fallback for r in group)
        contended = any(r.train.contended for r in group)
        cells = [name + (f" {FALLBACK_MARK}" if marked else "")]
        cells[0] += f" {CONTENDED_MARK}" if contended else ""
        cells[0] += f" {RECIPE_MARK}" if name in recipes else ""
        numeric: dict[str, Any] = {"model": name, "seeds": len(group)}
        for column in columns:
            estimate = stats.estimate(list(values[column.key].values()))
            cells.append(_format(estimate, column, len(group)))
            numeric.update(_numeric(column.key, estimate))
        numeric["n_diverged"] = sum(r.status == "diverged" for r in group)
        numeric["n_failed"] = sum(r.status == "failed" for r in group)
        numeric["status"] = _status(group)
        summary.rows.append([*cells, numeric["status"]])
        numeric_rows.append(numeric)
        seed_values.append(values)
    summary.frame = pd.DataFrame(numeric_rows)
    summary.runs = pd.DataFrame([_flatten(r) for r in records])
    summary.best = _best_cells(seed_values, columns)
    summary.notes = _notes(records, tested=_tested(seed_values, columns))
    if recipes:
        summary.notes.insert(0, recipe_note(recipes))
    return summary


def entry_values(records: list[RunRecord]) -> tuple[list[Column], dict[str, Any]]:
    """The metric columns, and per entry and column key the seed -> value map of its ok runs
    (what `genbench compare` tests)."""
    columns = _metric_columns(records)
    entries: dict[str, list[RunRecord]] = {}
    for record in sorted(records, key=lambda r: (r.entry_index, r.seed)):
        entries.setdefault(record.entry, []).append(record)
    values = {
        name: {c.key: _seed_values(group, c.key) for c in columns}
        for name, group in entries.items()
    }
    return columns, values


def _seed_values(group: list[RunRecord], key: str) -> dict[int, float]:
    return {r.seed: _value(r, key) for r in group if r.status == "ok"}


def _metric_columns(records: list[RunRecord]) -> list[Column]:
    seen: dict[str, Column] = {}
    for record in records:
        for column in record.columns:
            seen.setdefault(
                column.key,
                Column(column.key, column.label, column.higher_is_better, column.digits),
            )
    return list(seen.values())


def _value(record: RunRecord, key: str) -> float:
    if key == TIME_COLUMN.key:
        return record.train.seconds
    if key == STEPS_COLUMN.key:
        return float(record.train.steps)
    value = record.metrics.get(key)
    return math.nan if value is None else float(value)


def _format(estimate: stats.Estimate, column: Column, runs: int) -> str:
    """mean ± std, the interval for compared columns, and n when some runs gave no value."""
    if estimate.n == 0:
        return "—"
    digits = column.digits
    text = f"{estimate.mean:.{digits}f}"
    if estimate.std > 0:
        text += f" ± {estimate.std:.{digits}f}"
        if column.higher_is_better is not None:
            text += f" [{estimate.ci_low:.{digits}f}, {estimate.ci_high:.{digits}f}]"
    return text + (f" (n={estimate.n})" if estimate.n < runs else "")


def _numeric(key: str, estimate: stats.Estimate) -> dict[str, Any]:
    return {
        f"{key}_mean": estimate.mean,
        f"{key}_std": estimate.std,
        f"{key}_ci_low": estimate.ci_low,
        f"{key}_ci_high": estimate.ci_high,
        f"{key}_n": estimate.n,
    }


def _status(group: list[RunRecord]) -> str:
    parts = []
    for status in ("ok", "diverged", "pruned", "failed"):
        runs = [r for r in group if r.status == status]
        if not runs:
            continue
        text = f"{status}" if len(runs) == len(group) else f"{status} {len(runs)}/{len(group)}"
        if status == "diverged":
            steps = (str(r.diverged.step) if r.diverged else "?" for r in runs)
            text += " (step " + ", ".join(steps) + ")"
        parts.append(text)
    return ", ".join(parts)


def _best_cells(
    seed_values: list[dict[str, dict[int, float]]], columns: list[Column]
) -> set[tuple[int, int]]:
    """The best cell of each compared column, with the cells tied with it (see stats)."""
    best = set()
    for index, column in enumerate(columns, start=1):
        if column.higher_is_better is None:
            continue
        groups = [values[column.key] for values in seed_values]
        best |= {(row, index) for row in stats.tied_best(groups, column.higher_is_better)}
    return best


def _tested(seed_values: list[dict[str, dict[int, float]]], columns: list[Column]) -> bool:
    """Whether any compared column has an entry with two values (else nothing can be marked)."""
    return any(
        sum(math.isfinite(v) for v in values[c.key].values()) >= 2
        for values in seed_values
        for c in columns
        if c.higher_is_better is not None
    )


def _notes(records: list[RunRecord], tested: bool) -> list[str]:
    notes: list[str] = []
    fallbacks = {r.dataset.fallback for r in records if r.dataset.fallback}
    notes.extend(f"{FALLBACK_MARK} {text}" for text in sorted(fallbacks))
    starved = [r for r in records if r.train.contended]
    if starved:
        runs = ", ".join(f"{r.entry} seed {r.seed}" for r in starved)
        notes.append(
            f"{CONTENDED_MARK} contended: {runs} got less CPU time than their threads were "
            "given (other processes held the cores), so their training budget was not fully "
            "granted; compare them with care or run them again on an idle machine."
        )
    if records:
        latest = records[-1]
        notes.append(
            f"Dataset {latest.dataset.name} ({latest.dataset.source}); "
            f"{evaluation_protocol(latest)}; budget {latest.config.get('budget')} per run on "
            f"{latest.device}."
        )
        notes.append(stats.FOOTNOTE if tested else f"{stats.FOOTNOTE} {stats.ONE_SEED_NOTE}")
    return notes


def evaluation_protocol(record: RunRecord) -> str:
    """How the run's metrics were computed, as a table note says it: the extractor with its
    protocol, and how many generated and real samples from which split (FIDs compare only
    when all of these agree)."""
    info = record.features.info
    accuracy = info.get("test_accuracy")
    extra = [f"test accuracy {accuracy:.4f}"] if isinstance(accuracy, float) else []
    if info.get("protocol"):
        extra.insert(0, f"protocol {info['protocol']}")
    features = f"features {record.features.name}" + (f" ({', '.join(extra)})" if extra else "")
    reference = record.features.reference or {}
    real = reference.get("samples", record.eval_samples)
    split = reference.get("split", "train")
    extent = "whole " if reference.get("reference") == "all" else ""
    return (
        f"{features}; {record.eval_samples} generated vs {real} real samples from the "
        f"{extent}{split} split per evaluation"
    )


def _flatten(record: RunRecord) -> dict[str, Any]:
    return {
        "model": record.entry,
        "seed": record.seed,
        "status": record.status,
        **record.metrics,
        "train_seconds": record.train.seconds,
        "steps": record.train.steps,
        "samples_per_second": record.train.samples_per_second,
        "cpu_seconds": record.train.cpu_seconds,
        "contended": record.train.contended,
        "flops": record.train.flops,
        "device": record.device,
        "dataset_source": record.dataset.source,
        "dataset_fallback": record.dataset.fallback,
        "features": record.features.name,
        "config_hash": record.config_hash,
    }


def to_markdown(summary: Summary) -> str:
    rows = [
        [f"**{cell}**" if (r, c) in summary.best else cell for c, cell in enumerate(row)]
        for r, row in enumerate(summary.rows)
    ]
    table = tabulate(rows, headers=summary.headers, tablefmt="github", disable_numparse=True)
    notes = "".join(f"\n{note}\n" for note in summary.notes)
    return f"# {summary.title}\n\n{table}\n{notes}"


def to_rich(summary: Summary) -> Table:
    caption = escape("\n".join(summary.notes))
    table = Table(title=escape(summary.title), caption=caption, caption_justify="left")
    for index, header in enumerate(summary.headers):
        table.add_column(header, justify="left" if index == 0 else "right")
    for r, row in enumerate(summary.rows):
        styled = [
            f"[bold green]{escape(cell)}[/]" if (r, c) in summary.best else escape(cell)
            for c, cell in enumerate(row)
        ]
        table.add_row(*styled)
    return table


def write_tables(summary: Summary, results_dir: Path) -> dict[str, Path]:
    """table.md, results.csv and runs.csv under `results_dir`; returns their paths."""
    paths = {
        "markdown": results_dir / "table.md",
        "csv": results_dir / "results.csv",
        "runs": results_dir / "runs.csv",
    }
    write_atomic(paths["markdown"], to_markdown(summary).encode())
    write_atomic(paths["csv"], summary.frame.to_csv(index=False).encode())
    write_atomic(paths["runs"], summary.runs.to_csv(index=False).encode())
    return paths


def print_summary(summary: Summary, console: Console) -> None:
    console.print(to_rich(summary))
