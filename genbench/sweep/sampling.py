"""How a run is seeded, and the draw its metrics are computed on: every random generator
seeded with the run's seed, then the samples drawn a batch at a time. One function for the
sweep's evaluation and for a generator loaded back from its run folder
(`genbench.load_generator`), so the second draws exactly the samples the first scored. The
batch size counts: the prior's noise is drawn a batch at a time, and torch draws a small
batch's noise otherwise than a large one's."""

from __future__ import annotations

import random

import numpy as np
import torch

from genbench.api.adversarial import AdversarialModel


def seed_everything(seed: int) -> None:
    """Seed Python's, NumPy's and torch's generators (every device's)."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def draw_samples(
    model: AdversarialModel, samples: int, batch_size: int, seed: int | None = None
) -> torch.Tensor:
    """`samples` from the model's evaluation generator, `batch_size` at a time; seeded first
    when `seed` is given, as the evaluation of a run with that seed is."""
    if seed is not None:
        seed_everything(seed)
    return model.sample(samples, batch_size)
