"""Training batches from a dataset too large to hold (`LoadedData.stream`): decoded in
DataLoader worker processes while the model trains, a batch at a time.

Batches are drawn with replacement, as the engine draws from a held tensor, by a sampler whose
generator is seeded from torch's (seeded) generator when training starts: a run draws the
same batches again, on any number of workers. The workers decode ahead of the step
(`prefetch_factor` batches each) into pinned memory on a GPU run, so the step waits for a
decode only when the disk or the decoders are slower than the model. What a held dataset has
and a stream has not: an exact resume (a resumed run draws a fresh sequence of batches) and
the whole split as the evaluation's reference (it scores against the held sample).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import torch
from torch.utils.data import DataLoader, RandomSampler

from genbench.api.adversarial import AdversarialModel
from genbench.api.data import TrainingStream
from genbench.engine.batches import whole_batch

BATCHES_PER_PASS = 1 << 40
"""How many batches one sampler pass may draw: more than any budget spends."""


class StreamedSet:
    """The engine's batches from a stream; `held` (the data's held sample, (M, ...) on the
    training device) stands in for the split in the checks before training."""

    def __init__(
        self,
        stream: TrainingStream,
        held: torch.Tensor,
        held_labels: torch.Tensor | None,
        labelled: bool,
    ) -> None:
        self.stream = stream
        self.samples = held
        self.held_labels = held_labels
        self.labelled = labelled
        self.seed = int(torch.randint(0, 2**62, (1,)).item())
        self._batches: Iterator[Any] | None = None

    @property
    def device(self) -> torch.device:
        return self.samples.device

    def draw(
        self, model: AdversarialModel, batch_size: int, share: slice | None = None
    ) -> torch.Tensor:
        """The next streamed batch (this rank's `share` of it) on the training device, as
        float32 in [-1, 1]; the model conditioned on its labels."""
        if self._batches is None:
            self._batches = iter(self._loader(batch_size))
        pixels, labels = next(self._batches)
        if share is not None:
            pixels, labels = pixels[share], labels[share]
        if self.labelled:
            model.condition(labels.to(self.device, non_blocking=True))
        images = pixels.to(self.device, non_blocking=True).float()
        return images / 127.5 - 1.0

    def first_batch(self, model: AdversarialModel) -> torch.Tensor:
        if self.labelled and self.held_labels is not None:
            model.condition(whole_batch(self.held_labels, model.batch_size))
        return whole_batch(self.samples, model.batch_size)

    def _loader(self, batch_size: int) -> DataLoader[Any]:
        generator = torch.Generator().manual_seed(self.seed)
        images = self.stream.images
        sampler = RandomSampler(
            images, replacement=True, num_samples=batch_size * BATCHES_PER_PASS, generator=generator
        )
        workers = self.stream.workers
        return DataLoader(
            images,
            batch_size=batch_size,
            sampler=sampler,
            num_workers=workers,
            pin_memory=self.device.type == "cuda",
            persistent_workers=workers > 0,
            prefetch_factor=4 if workers > 0 else None,
        )
