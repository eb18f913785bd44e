"""Figures of samples and curves.

Per run, `samples.png`: an image grid, or a scatter over the real data for points. Per
benchmark, drawn from the run records and the runs' saved previews: one plot per curve a metric
reports (e.g. `prd.png`, every entry's PRD curve) and `samples.png`, a row of samples per
entry, so a reader compares entries at a glance."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
from matplotlib.figure import Figure
from torchvision.utils import save_image

from genbench.api.layout import RunFiles, runs_folder
from genbench.api.record import CurveFacts, RunRecord
from genbench.api.storage import DamagedFileError, load_torch, write_atomic
from genbench.report.plot_style import legend_beside, line_style, save_figure

PREVIEW_IMAGES = 10
PREVIEW_POINTS = 1000
GRID_COLUMNS = 8
GRID_SAMPLES = GRID_COLUMNS**2
SCATTER_SAMPLES = 2000


def save_samples(
    fake: torch.Tensor, real: torch.Tensor, path: Path, title: str, shown: int = GRID_SAMPLES
) -> None:
    """A PNG of generated samples: the first `shown` in rows of 8 for images (8 x 8, or one
    row per class for a conditional model's `class_rows`), a scatter for 2-D points."""
    if fake.dim() == 4:
        grid = (fake[:shown].detach().float().cpu() + 1) / 2
        buffer = io.BytesIO()
        save_image(grid.clamp(0, 1), buffer, format="png", nrow=GRID_COLUMNS, padding=2)
        write_atomic(path, buffer.getvalue())
        return
    figure = Figure(figsize=(4.5, 4.5))
    axes = figure.subplots()
    real_points = real[:SCATTER_SAMPLES].detach().float().cpu()
    fake_points = fake[:SCATTER_SAMPLES].detach().float().cpu()
    axes.scatter(fake_points[:, 0], fake_points[:, 1], s=2, c="tab:orange", label="generated")
    axes.scatter(real_points[:, 0], real_points[:, 1], s=1, c="tab:blue", label="real")
    axes.set_title(title, fontsize=9)
    axes.set_aspect("equal")
    axes.legend(loc="upper right", fontsize=7, markerscale=4)
    figure.tight_layout()
    save_figure(figure, path, dpi=120)


def preview(fake: torch.Tensor) -> torch.Tensor:
    """The generated samples a run keeps for the benchmark's overview figure."""
    count = PREVIEW_IMAGES if fake.dim() == 4 else PREVIEW_POINTS
    return fake[:count].detach().float().cpu().clone()


def write_figures(
    records: list[RunRecord],
    results_dir: Path,
    on_problem: Callable[[str], None] | None = None,
) -> dict[str, Path]:
    """Every figure the records allow; returns their paths by name. A damaged preview is
    left out of the overview and passed to `on_problem` (one line), never raised."""
    records = sorted(records, key=lambda r: (r.entry_index, r.seed))
    ok = [r for r in records if r.status == "ok"]
    paths: dict[str, Path] = {}
    for key in sorted({key for r in ok for key in r.curves}):
        paths[key] = _curve_figure(ok, key, results_dir / f"{key}.png")
    previews = _first_previews(ok, runs_folder(results_dir), on_problem or (lambda message: None))
    if previews:
        paths["samples"] = samples_figure(previews, results_dir / "samples.png")
    return paths


def _curve_figure(records: list[RunRecord], key: str, path: Path) -> Path:
    """Each entry's curve, averaged point by point over its seeds."""
    figure = Figure(figsize=(8, 5))
    axes = figure.subplots()
    curves: dict[str, list[CurveFacts]] = {}
    for record in records:
        if key in record.curves:
            curves.setdefault(record.entry, []).append(record.curves[key])
    for index, (entry, group) in enumerate(curves.items()):
        x = np.mean([c.x for c in group], axis=0)
        y = np.mean([c.y for c in group], axis=0)
        seeds = f"{len(group)} seed{'s' if len(group) > 1 else ''}"
        axes.plot(x, y, label=f"{entry} ({seeds})", **line_style(index))
    first = next(iter(curves.values()))[0]
    axes.set_xlabel(first.x_label)
    axes.set_ylabel(first.y_label)
    axes.set_xlim(0, 1.02)
    axes.set_ylim(0, 1.02)
    axes.set_title(key)
    legend_beside(axes)
    figure.tight_layout()
    save_figure(figure, path, dpi=120)
    return path


def _first_previews(
    records: list[RunRecord], runs_dir: Path, on_problem: Callable[[str], None]
) -> dict[str, torch.Tensor]:
    """Per entry, the saved samples of its first successful seed with a readable preview."""
    previews: dict[str, torch.Tensor] = {}
    for record in records:
        file = RunFiles(runs_dir / record.run_dir).preview
        if record.entry in previews or not file.exists():
            continue
        try:
            loaded = load_torch(file)
        except DamagedFileError as exc:
            on_problem(f"{exc}; left out of the samples figure")
            continue
        if not isinstance(loaded, torch.Tensor) or loaded.dim() not in (2, 4):
            on_problem(f"{file}: not a preview tensor; left out of the samples figure")
            continue
        previews[record.entry] = loaded
    return previews


def samples_figure(previews: dict[str, torch.Tensor], path: Path) -> Path:
    """The benchmark's samples figure: a row of each entry's preview, one inch per image, so
    the report can show it at its own width and a reader can judge a digit."""
    names = list(previews)
    images = next(iter(previews.values())).dim() == 4
    if images:
        columns = max(len(p) for p in previews.values())
        figure = Figure(figsize=(1.0 * columns + 2.2, 1.0 * len(names) + 0.3))
        grid = figure.subplots(len(names), columns, squeeze=False)
        for row, name in enumerate(names):
            for column, axes in enumerate(grid[row]):
                axes.set_axis_off()
                if column < len(previews[name]):
                    image = ((previews[name][column] + 1) / 2).clamp(0, 1).permute(1, 2, 0)
                    axes.imshow(image.squeeze(-1).numpy(), cmap="gray", vmin=0, vmax=1)
            grid[row][0].text(-0.15, 0.5, name, transform=grid[row][0].transAxes, ha="right",
                              va="center", fontsize=8)  # fmt: skip
    else:
        figure = Figure(figsize=(3.2, 3.0 * len(names)))
        grid = figure.subplots(len(names), 1, squeeze=False)
        for row, name in enumerate(names):
            points = previews[name]
            axes = grid[row][0]
            axes.scatter(points[:, 0], points[:, 1], s=2, c="tab:orange")
            axes.set_title(name, fontsize=8)
            axes.set_aspect("equal")
    figure.tight_layout()
    save_figure(figure, path, dpi=100)
    return path
