"""Figures of metrics over training time (`[evaluation] every`): per metric key,
`timeline-<key>.png`, each entry's value against its training seconds, averaged point by point
over the seeds that reached the point."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from genbench.api.record import RunRecord, TimelineFacts
from genbench.report.plot_style import legend_beside, line_style, save_figure


def write_timeline_figures(records: list[RunRecord], results_dir: Path) -> dict[str, Path]:
    """One figure per metric that some record's timeline holds; returns paths by name."""
    timed = [
        (record, record.timeline)
        for record in sorted(records, key=lambda r: (r.entry_index, r.seed))
        if record.status == "ok" and record.timeline is not None and record.timeline.steps
    ]
    labels = {column.key: column.label for record, _ in timed for column in record.columns}
    keys = sorted({key for _, timeline in timed for key in timeline.values})
    paths = {}
    for key in keys:
        name = f"timeline-{key}"
        paths[name] = _figure(timed, key, labels.get(key, key), results_dir / f"{name}.png")
    return paths


def _figure(timed: list[tuple[RunRecord, TimelineFacts]], key: str, label: str, path: Path) -> Path:
    figure = Figure(figsize=(8, 4))
    axes = figure.subplots()
    entries: dict[str, list[TimelineFacts]] = {}
    for record, timeline in timed:
        entries.setdefault(record.entry, []).append(timeline)
    for index, (entry, group) in enumerate(entries.items()):
        x, y = _mean_curve(group, key)
        if len(x):
            legend = f"{entry} ({len(group)} seeds)"
            axes.plot(x, y, marker="o", markersize=3, label=legend, **line_style(index))
    axes.set_xlabel("training time (s)")
    axes.set_ylabel(label)
    axes.set_title(f"{label} over training time")
    legend_beside(axes)
    figure.tight_layout()
    save_figure(figure, path, dpi=110)
    return path


def _mean_curve(group: list[TimelineFacts], key: str) -> tuple[np.ndarray, np.ndarray]:
    """Mean seconds and value per point index, over the seeds with a value there."""
    xs, ys = [], []
    for index in range(max(len(timeline.steps) for timeline in group)):
        seconds, values = [], []
        for timeline in group:
            column = timeline.values.get(key, [])
            value = column[index] if index < min(len(column), len(timeline.seconds)) else None
            if value is not None:
                seconds.append(timeline.seconds[index])
                values.append(value)
        if values:
            xs.append(float(np.mean(seconds)))
            ys.append(float(np.mean(values)))
    return np.array(xs), np.array(ys)
