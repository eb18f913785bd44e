"""Training batches from a dataset too large to hold (`LoadedData.stream`): decoded in
DataLoader worker processes while the model trains, a batch at a time.

Batches are drawn with replacement, as the engine draws from a held tensor, by a sampler whose
generator is seeded from torch's (seeded) generator when training starts: a run draws the
same batches again, on any number of workers, and a run resumed after its k-th critic step
skips the first k batches' indices (no image is decoded for them) and draws what the
uninterrupted run drew. The workers decode ahead of the step (`prefetch_factor` batches each)
into pinned memory on a GPU run, so the step waits for a decode only when the disk or the
decoders are slower than the model. What a held dataset has and a stream has not: the whole
split as the evaluation's reference (it scores against the held sample).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import torch
from torch.utils.data import DataLoader

from genbench.api.adversarial import AdversarialModel
from genbench.api.data import TrainingStream
from genbench.engine.batches import whole_batch

SKIP_CHUNK = 1 << 20
"""Indices drawn at a time while skipping the batches a resumed run drew already."""


class IndexBatches:
    """Batches of `batch_size` indices below `count`, with replacement, without end, from a
    generator seeded `seed`; the first `skip` batches are drawn and dropped."""

    def __init__(self, count: int, batch_size: int, seed: int, skip: int) -> None:
        self.count, self.batch_size, self.seed, self.skip = count, batch_size, seed, skip

    def __iter__(self) -> Iterator[list[int]]:
        generator = torch.Generator().manual_seed(self.seed)
        left = self.skip * self.batch_size
        while left:  # the generator draws index by index: chunks draw what the batches drew
            chunk = min(left, SKIP_CHUNK)
            torch.randint(self.count, (chunk,), generator=generator)
            left -= chunk
        while True:
            yield torch.randint(self.count, (self.batch_size,), generator=generator).tolist()


class StreamedSet:
    """The engine's batches from a stream; `held` (the data's held sample, (M, ...) on the
    training device) stands in for the split in the checks before training."""

    @classmethod
    def of(
        cls,
        model: AdversarialModel,
        stream: TrainingStream,
        held: torch.Tensor,
        held_labels: torch.Tensor | None,
    ) -> StreamedSet:
        """The stream `model` trains on, its labels drawn with it exactly when the model is
        conditional (which needs a stream with labels)."""
        if model.labels is not None and stream.labels is None:
            raise ValueError("train(): a conditional model needs a stream with labels")
        return cls(stream, held, held_labels, labelled=model.labels is not None)

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
        self.skip = 0
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

    def resume_at(self, critic_steps: int) -> None:
        """Draw on from where a run that made `critic_steps` critic steps (one batch each)
        left off."""
        self.skip = critic_steps

    def first_batch(self, model: AdversarialModel) -> torch.Tensor:
        if self.labelled and self.held_labels is not None:
            model.condition(whole_batch(self.held_labels, model.batch_size))
        return whole_batch(self.samples, model.batch_size)

    def _loader(self, batch_size: int) -> DataLoader[Any]:
        images = self.stream.images
        workers = self.stream.workers
        # Its own generator: a loader draws its workers' seed when it starts, which must not
        # come from torch's, or a resumed run (which starts its loader later) would draw
        # other latents from then on.
        return DataLoader(
            images,
            batch_sampler=IndexBatches(len(images), batch_size, self.seed, self.skip),
            generator=torch.Generator().manual_seed(self.seed),
            num_workers=workers,
            pin_memory=self.device.type == "cuda",
            persistent_workers=workers > 0,
            prefetch_factor=4 if workers > 0 else None,
        )
