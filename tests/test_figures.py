"""Benchmark figures: a curve plot per curve key, with one line per entry averaged over seeds,
and a samples overview with one row per entry."""

from __future__ import annotations

import torch
from PIL import Image

from genbench.api.layout import PREVIEW_FILE
from genbench.api.record import RunRecord
from genbench.report.figures import preview, write_figures


def record(entry: str, index: int, seed: int, status: str = "ok", curves=None) -> RunRecord:
    return RunRecord.from_dict(
        {
            "benchmark": "b",
            "entry": entry,
            "entry_index": index,
            "seed": seed,
            "status": status,
            "run_dir": f"{entry}/seed-{seed}",
            "config": {},
            "config_hash": "0" * 16,
            "dataset": {"name": "ring-8"},
            "features": {"name": "identity"},
            "curves": curves or {},
        }
    )


def curve(level: float) -> dict:
    return {
        "x": [0.0, 0.5, 1.0],
        "y": [level, level, 0.0],
        "x_label": "recall",
        "y_label": "precision",
    }


def test_curves_and_image_previews_become_one_figure_each(tmp_path):
    records = [
        record("A", 0, 0, curves={"prd": curve(0.9)}),
        record("A", 0, 1, curves={"prd": curve(0.7)}),
        record("B", 1, 0, curves={"prd": curve(0.5)}),
        record("C", 2, 0, status="failed"),
    ]
    for r in records[:3]:
        folder = tmp_path / "runs" / r.run_dir
        folder.mkdir(parents=True)
        torch.save(preview(torch.rand(32, 1, 28, 28) * 2 - 1), folder / PREVIEW_FILE)
    paths = write_figures(records, tmp_path)
    assert set(paths) == {"prd", "samples"}
    width, height = Image.open(paths["samples"]).size
    assert width > height  # two rows (A, B) of ten samples; the failed entry has no row
    assert Image.open(paths["prd"]).size[0] > 0


def test_point_previews_keep_enough_points_for_a_scatter(tmp_path):
    kept = preview(torch.randn(5000, 2))
    assert kept.shape == (1000, 2)
    folder = tmp_path / "runs" / "A" / "seed-0"
    folder.mkdir(parents=True)
    torch.save(kept, folder / PREVIEW_FILE)
    paths = write_figures([record("A", 0, 0)], tmp_path)
    assert set(paths) == {"samples"}
