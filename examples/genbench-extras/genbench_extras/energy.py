"""Energy distance D^2 = 2 E|X - Y| - E|X - X'| - E|Y - Y'| (Székely & Rizzo 2013) between the
two empirical distributions (every pair, a point with itself included, as
scipy.stats.energy_distance computes it in one dimension); it is 0 exactly when they match.
The table shows D."""

from __future__ import annotations

from typing import Any

import torch

import genbench


def energy_distance(x: torch.Tensor, y: torch.Tensor) -> float:
    x, y = x.double(), y.double()
    between = torch.cdist(x, y).mean()
    within_x = torch.cdist(x, x).mean()
    within_y = torch.cdist(y, y).mean()
    return float((2 * between - within_x - within_y).clamp(min=0).sqrt())


def compute_energy_distance(
    inputs: genbench.MetricInputs, params: dict[str, Any]
) -> dict[str, float]:
    count = params["max_samples"]
    real = inputs.real_features[:count]
    fake = inputs.fake_features[:count]
    return {"energy_distance": energy_distance(real, fake)}
