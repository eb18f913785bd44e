"""A search's results as Lucic et al. (2018) read them: the best value an entry reaches within
k trials, against k.

A search's table says where each entry ended after its trials; whether one objective beats
another under equal tuning depends on how many trials each was given. So the trials of each
entry are put in random orders (2,000 of them), and for each k the best value among the first
k is taken: its median over the orders, with a 5-95 % band, is drawn against k and tabled at
k = 1, 5 and all trials. A trial's value is its final score; a pruned trial counts with the
last timeline value it reached (on the timeline's smaller sample, and judged worse than its
peers'), a failed or diverged one as worse than any. The table also gives what the search
cost each entry: its trials' training FLOPs and seconds, pruned trials included.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from genbench.api.layout import SearchFiles
from genbench.api.record import RunRecord
from genbench.report.plot_style import legend_beside, line_style, save_figure
from genbench.report.tables import Summary
from genbench.sweep.records import trial_records

ORDERS = 2000
TABLED_K = (1, 5)
FIGURE_NAME = "search"
SEARCH_TABLE_FILE = "search.md"


def trial_value(record: RunRecord, metric: str) -> float | None:
    """What a trial scored: its final value, a pruned trial's last timeline value, else None."""
    if record.status == "ok":
        value = record.metrics.get(metric)
    elif record.status == "pruned" and record.timeline is not None:
        value = next(
            (v for v in reversed(record.timeline.values.get(metric, [])) if v is not None), None
        )
    else:
        value = None
    return value if value is not None and math.isfinite(value) else None


def best_within(
    values: list[float | None], higher_is_better: bool, orders: int = ORDERS, seed: int = 0
) -> np.ndarray:
    """(k, 3) for k = 1..len(values): the median and the 5 and 95 % points, over random orders
    of the trials, of the best value among the first k (None: worse than any; a band that
    reaches such a trial is infinite)."""
    worst = -math.inf if higher_is_better else math.inf
    scores = np.array([worst if v is None else v for v in values], dtype=float)
    if higher_is_better:
        scores = -scores
    rng = np.random.default_rng(seed)
    ordered = np.stack([scores[rng.permutation(len(scores))] for _ in range(orders)])
    best = np.minimum.accumulate(ordered, axis=1)
    # Quantiles without interpolation: a band may reach a failed trial's infinity.
    table = np.quantile(best, [0.5, 0.05, 0.95], axis=0, method="inverted_cdf").T
    return -table[:, [0, 2, 1]] + 0.0 if higher_is_better else table  # + 0.0: no "-0"


def search_section(results_dir: Path) -> tuple[Summary | None, dict[str, Path]]:
    """The search's table and its figure (written beside the report), or None without one."""
    study = SearchFiles(results_dir).study
    if not study.exists():  # no search here (and Optuna, an extra, is not needed)
        return None, {}
    from genbench.search.study import searched_metric

    searched = searched_metric(study)
    trials = trial_records(results_dir)
    if searched is None or not trials:
        return None, {}
    metric, higher_is_better, spaces = searched
    trials = {entry: trials[entry] for entry in spaces if entry in trials}  # the spec's order
    curves = {
        entry: best_within([trial_value(r, metric) for r in records], higher_is_better)
        for entry, records in trials.items()
    }
    counts = sorted({len(records) for records in trials.values()})
    ks = [*(k for k in TABLED_K if k < max(counts)), max(counts)]
    headers = ["Entry", "Trials", *(f"best of {k}" for k in ks[:-1]), "best of all", "Cost"]
    summary = Summary(f"Search: best {metric} within k trials", headers, [])
    for entry, records in trials.items():
        curve = curves[entry]
        cells = [_cell(curve[min(k, len(curve)) - 1], k < len(curve)) for k in ks]
        summary.rows.append([entry, _trials(records), *cells, _cost(records)])
    summary.notes = [
        f"Median over {ORDERS:,} random orders of each entry's trials of the best {metric} "
        "among the first k, with a 5-95 % band; a pruned trial counts with its last timeline "
        "value, a failed or diverged one as worse than any (∞). Cost: the trials' training "
        "FLOPs and seconds, pruned ones included. Each entry then trains on its own best "
        "settings (§ in the table above): what makes the comparison fair is the equal tuning, "
        "the same trials and budget per trial for every entry (Lucic et al. 2018), not one "
        "recipe.",
    ]
    summary.notes += _space_notes(spaces)
    if len(counts) > 1:
        summary.notes.append(
            "The entries have different numbers of trials: a search stopped early."
        )
    path = results_dir / f"{FIGURE_NAME}.png"
    _figure(curves, metric, path)
    return summary, {FIGURE_NAME: path}


def _space_notes(spaces: dict[str, tuple[str, ...]]) -> list[str]:
    """Which entries searched another space than most entries did."""
    shapes = [frozenset(keys) for keys in spaces.values()]
    common = max(shapes, key=shapes.count, default=frozenset())  # ties: the first entry's
    notes = []
    for entry, keys in spaces.items():
        extra, missing = set(keys) - common, common - set(keys)
        if extra or missing:
            parts = [f"also {', '.join(sorted(extra))}" if extra else ""]
            parts.append(f"not {', '.join(sorted(missing))}" if missing else "")
            text = "; ".join(part for part in parts if part)
            notes.append(f"{entry} searched a space of its own ({text}).")
    if notes:
        notes.insert(0, f"Most entries searched {', '.join(sorted(common))}.")
    return notes


def _cell(row: np.ndarray, banded: bool) -> str:
    median, low, high = (_number(v) for v in row)
    return f"{median} [{low}, {high}]" if banded else median


def _number(value: float) -> str:
    return f"{value:.4g}" if math.isfinite(value) else "∞" if value > 0 else "-∞"


def _trials(records: list[RunRecord]) -> str:
    pruned = sum(r.status == "pruned" for r in records)
    failed = sum(r.status in ("failed", "diverged") for r in records)
    return f"{len(records)} ({pruned} pruned, {failed} failed)"


def _cost(records: list[RunRecord]) -> str:
    flops = sum(r.train.flops or 0.0 for r in records)
    seconds = sum(r.train.seconds for r in records)
    return f"{flops / 1e12:.1f} TFLOP, {seconds / 60:.1f} min"


def _figure(curves: dict[str, np.ndarray], metric: str, path: Path) -> None:
    figure = Figure(figsize=(6, 3.6))
    axes = figure.subplots()
    for index, (entry, curve) in enumerate(curves.items()):
        ks = np.arange(1, len(curve) + 1)
        style = line_style(index)
        shown = np.where(np.isfinite(curve), curve, np.nan)  # a band reaching a failure: open
        axes.plot(ks, shown[:, 0], label=entry, **style)
        axes.fill_between(ks, shown[:, 1], shown[:, 2], color=style["color"], alpha=0.15)
    values = np.concatenate([c[np.isfinite(c)] for c in curves.values()])
    if values.size and values.min() > 0 and values.max() > 10 * values.min():
        axes.set_yscale("log")  # FIDs from a few tens to thousands
    axes.set_xlabel("trials (k)")
    axes.set_ylabel(f"best {metric} within k trials")
    if axes.lines:
        legend_beside(axes)
    save_figure(figure, path, dpi=120)
