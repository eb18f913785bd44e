"""Figures of metrics over training time (`[evaluation] every`): per metric key,
`timeline-<key>.png`, each entry's value against its training seconds, averaged point by point
over the seeds that reached the point."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from genbench.api.storage import write_atomic
from genbench.report.record import RunRecord


def write_timeline_figures(records: list[RunRecord], results_dir: Path) -> dict[str, Path]:
    """One figure per metric that some record's timeline holds; returns paths by name."""
    records = sorted(records, key=lambda r: (r.entry_index, r.seed))
    timed = [r for r in records if r.status == "ok" and r.timeline and r.timeline.steps]
    labels = {column.key: column.label for r in timed for column in r.columns}
    keys = sorted({key for r in timed for key in r.timeline.values} if timed else set())
    paths = {}
    for key in keys:
        name = f"timeline-{key}"
        paths[name] = _figure(timed, key, labels.get(key, key), results_dir / f"{name}.png")
    return paths


def _figure(records: list[RunRecord], key: str, label: str, path: Path) -> Path:
    figure = Figure(figsize=(5.5, 4))
    axes = figure.subplots()
    entries: dict[str, list[RunRecord]] = {}
    for record in records:
        entries.setdefault(record.entry, []).append(record)
    for entry, group in entries.items():
        x, y = _mean_curve(group, key)
        if len(x):
            axes.plot(x, y, marker="o", markersize=3, label=f"{entry} ({len(group)} seeds)")
    axes.set_xlabel("training time (s)")
    axes.set_ylabel(label)
    axes.set_title(f"{label} over training time")
    axes.legend(fontsize=7)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110)
    write_atomic(path, buffer.getvalue())
    return path


def _mean_curve(group: list[RunRecord], key: str) -> tuple[np.ndarray, np.ndarray]:
    """Mean seconds and value per point index, over the seeds with a value there."""
    points = max(len(r.timeline.steps) for r in group if r.timeline)
    xs, ys = [], []
    for index in range(points):
        pairs = [
            (r.timeline.seconds[index], r.timeline.values[key][index])
            for r in group
            if r.timeline
            and index < len(r.timeline.steps)
            and key in r.timeline.values
            and r.timeline.values[key][index] is not None
        ]
        if pairs:
            xs.append(float(np.mean([p[0] for p in pairs])))
            ys.append(float(np.mean([p[1] for p in pairs])))
    return np.array(xs), np.array(ys)
