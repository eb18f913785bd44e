"""Sample pictures: an image grid for image data, a scatter over the real data for points."""

from __future__ import annotations

from pathlib import Path

import torch
from matplotlib.figure import Figure
from torchvision.utils import save_image

GRID_SAMPLES = 64
SCATTER_SAMPLES = 2000


def save_samples(fake: torch.Tensor, real: torch.Tensor, path: Path, title: str) -> None:
    """A PNG of generated samples: an 8x8 grid for images, a scatter for 2-D points."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if fake.dim() == 4:
        grid = (fake[:GRID_SAMPLES].detach().float().cpu() + 1) / 2
        save_image(grid.clamp(0, 1), path, nrow=8, padding=2)
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
    figure.savefig(path, dpi=120)
