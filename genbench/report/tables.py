"""Consolidated results: per-run records -> one comparison table, mean ± std over seeds.

The same table goes to the terminal (rich), `table.md` (tabulate, GitHub format) and
`results.csv` (pandas, numeric means and stds); `runs.csv` keeps one row per run.
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
from genbench.sweep.records import write_atomic

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


def summarize(records: list[dict[str, Any]], title: str) -> Summary:
    """Group records by entry (in spec order) and format mean ± std per column."""
    records = sorted(records, key=lambda r: (r["entry_index"], r["seed"]))
    columns = [*_metric_columns(records), TIME_COLUMN, STEPS_COLUMN]
    entries: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        entries.setdefault(record["entry"], []).append(record)
    summary = Summary(title, ["Model", *(c.label for c in columns), "Status"], [])
    numeric_rows = []
    for name, group in entries.items():
        values = {c.key: [_value(r, c.key) for r in group if r["status"] == "ok"] for c in columns}
        marked = any(r.get("dataset", {}).get("fallback") for r in group)
        contended = any(_contended(r) for r in group)
        cells = [name + (f" {FALLBACK_MARK}" if marked else "")]
        cells[0] += f" {CONTENDED_MARK}" if contended else ""
        numeric = {"model": name, "seeds": len(group)}
        for column in columns:
            mean, std = _mean_std(values[column.key])
            cells.append(_format(mean, std, column.digits))
            numeric[f"{column.key}_mean"], numeric[f"{column.key}_std"] = mean, std
        numeric["status"] = _status(group)
        summary.rows.append([*cells, numeric["status"]])
        numeric_rows.append(numeric)
    summary.frame = pd.DataFrame(numeric_rows)
    summary.runs = pd.DataFrame([_flatten(r) for r in records])
    summary.best = _best_cells(summary.frame, columns)
    summary.notes = _notes(records)
    return summary


def _metric_columns(records: list[dict[str, Any]]) -> list[Column]:
    seen: dict[str, Column] = {}
    for record in records:
        for column in record.get("columns", []):
            seen.setdefault(column["key"], Column(**column))
    return list(seen.values())


def _value(record: dict[str, Any], key: str) -> float:
    if key in (TIME_COLUMN.key, STEPS_COLUMN.key):
        return float(record["train"][key.removeprefix("train_")])
    value = record["metrics"].get(key)
    return math.nan if value is None else float(value)


def _mean_std(values: list[float]) -> tuple[float, float]:
    finite = [v for v in values if math.isfinite(v)]
    if not finite:
        return math.nan, math.nan
    series = pd.Series(finite)
    return float(series.mean()), float(series.std()) if len(finite) > 1 else 0.0


def _format(mean: float, std: float, digits: int) -> str:
    if math.isnan(mean):
        return "—"
    text = f"{mean:.{digits}f}"
    return f"{text} ± {std:.{digits}f}" if std > 0 else text


def _status(group: list[dict[str, Any]]) -> str:
    parts = []
    for status in ("ok", "diverged", "failed"):
        runs = [r for r in group if r["status"] == status]
        if not runs:
            continue
        text = f"{status}" if len(runs) == len(group) else f"{status} {len(runs)}/{len(group)}"
        if status == "diverged":
            text += " (step " + ", ".join(str(r["diverged"]["step"]) for r in runs) + ")"
        parts.append(text)
    return ", ".join(parts)


def _best_cells(frame: pd.DataFrame, columns: list[Column]) -> set[tuple[int, int]]:
    best = set()
    if len(frame) < 2:
        return best
    for index, column in enumerate(columns, start=1):
        if column.higher_is_better is None:
            continue
        means = frame[f"{column.key}_mean"]
        if means.notna().sum() < 2:
            continue
        row = means.idxmax() if column.higher_is_better else means.idxmin()
        best.add((int(row), index))
    return best


def _notes(records: list[dict[str, Any]]) -> list[str]:
    notes = []
    fallbacks = {r["dataset"]["fallback"] for r in records if r.get("dataset", {}).get("fallback")}
    notes.extend(f"{FALLBACK_MARK} {text}" for text in sorted(fallbacks))
    starved = [r for r in records if _contended(r)]
    if starved:
        runs = ", ".join(f"{r['entry']} seed {r['seed']}" for r in starved)
        notes.append(
            f"{CONTENDED_MARK} contended: {runs} got less CPU time than their threads were "
            "given (other processes held the cores), so their training budget was not fully "
            "granted; compare them with care or run them again on an idle machine."
        )
    if records:
        latest = records[-1]
        features = latest.get("features", {})
        info = features.get("info", {})
        accuracy = info.get("test_accuracy")
        extra = f", test accuracy {accuracy:.4f}" if accuracy is not None else ""
        notes.append(
            f"Dataset {latest['dataset']['name']} ({latest['dataset']['source']}); "
            f"features {features.get('name')}{extra}; {latest.get('eval_samples')} samples per "
            f"evaluation; budget {latest['config']['budget']} per run on {latest.get('device')}; "
            f"mean ± std over seeds, best per column in bold."
        )
    return notes


def _contended(record: dict[str, Any]) -> bool:
    return bool(record.get("train", {}).get("contended"))


def _flatten(record: dict[str, Any]) -> dict[str, Any]:
    return {
        "model": record["entry"],
        "seed": record["seed"],
        "status": record["status"],
        **{k: v for k, v in record.get("metrics", {}).items()},
        "train_seconds": record["train"]["seconds"],
        "steps": record["train"]["steps"],
        "samples_per_second": record["train"]["samples_per_second"],
        "cpu_seconds": record["train"].get("cpu_seconds"),
        "contended": _contended(record),
        "flops": record["train"].get("flops"),
        "device": record.get("device"),
        "dataset_source": record.get("dataset", {}).get("source"),
        "dataset_fallback": record.get("dataset", {}).get("fallback"),
        "features": record.get("features", {}).get("name"),
        "config_hash": record["config_hash"],
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
