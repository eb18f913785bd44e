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
    return draw_labelled(model, samples, batch_size, seed)[0]


def draw_labelled(
    model: AdversarialModel, samples: int, batch_size: int, seed: int | None = None
) -> tuple[torch.Tensor, torch.Tensor | None]:
    """`draw_samples` with the classes a conditional model was asked for (None for an
    unconditional one), drawn from the data's class frequencies after the seeding."""
    if seed is not None:
        seed_everything(seed)
    return model.sample_labelled(samples, batch_size)


def class_rows(model: AdversarialModel, per_class: int, batch_size: int) -> torch.Tensor:
    """`per_class` samples of each class a conditional model generates, class by class (the
    rows of its samples figure), drawn after and apart from the evaluation's samples."""
    classes = torch.arange(model.num_classes, device=model.class_frequencies.device)
    labels = classes.repeat_interleave(per_class)
    return model.sample(len(labels), batch_size, labels)
