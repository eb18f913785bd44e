"""How the engine draws training batches, and whole batches for the checks that run before
training (the joint-critic check, the compile probe), even from data smaller than one batch.

The engine draws training batches by index with replacement, so data with fewer rows than
`batch_size` trains; a check on `data[:batch_size]` would instead see fewer rows than training
does, and a packing critic, which needs whole groups of samples, fails on them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import torch

from genbench.api.adversarial import AdversarialModel


def whole_batch(data: torch.Tensor, batch_size: int) -> torch.Tensor:
    """The first `batch_size` rows of `data`, starting over from its first row where it has
    fewer, so the batch has the training size whatever the data's."""
    rows = torch.arange(batch_size, device=data.device) % data.shape[0]
    return data[rows]


class BatchSource(Protocol):
    """Where the engine's training batches come from: a held tensor (`TrainingSet`) or a
    stream (`genbench.engine.stream.StreamedSet`)."""

    @property
    def device(self) -> torch.device: ...

    def draw(
        self, model: AdversarialModel, batch_size: int, share: slice | None = None
    ) -> torch.Tensor: ...

    def first_batch(self, model: AdversarialModel) -> torch.Tensor: ...

    def resume_at(self, critic_steps: int) -> None:
        """Draw as a run that had made `critic_steps` critic steps would."""


@dataclass(frozen=True)
class TrainingSet:
    """The training data as the engine draws from it: samples (N, ...) and, for a conditional
    model, their labels (N,), which condition the model on each batch drawn."""

    samples: torch.Tensor
    labels: torch.Tensor | None = None

    @classmethod
    def of(
        cls, model: AdversarialModel, samples: torch.Tensor, labels: torch.Tensor | None
    ) -> TrainingSet:
        """The set `model` trains on: with labels exactly when it is conditional."""
        if (model.labels is None) != (labels is None):
            state = (
                "a conditional model needs" if labels is None else "an unconditional model takes no"
            )
            raise ValueError(f"train(): {state} labels")
        return cls(samples, labels)

    @property
    def device(self) -> torch.device:
        return self.samples.device

    def draw(
        self, model: AdversarialModel, batch_size: int, share: slice | None = None
    ) -> torch.Tensor:
        """A batch drawn by index with replacement (this rank's `share` of it), the model
        conditioned on its labels."""
        index = torch.randint(0, self.samples.shape[0], (batch_size,), device=self.device)
        if share is not None:
            index = index[share]
        if self.labels is not None:
            model.condition(self.labels[index])
        return self.samples[index]

    def resume_at(self, critic_steps: int) -> None:
        """Nothing to do: the draws come from torch's generator, which a resume restores."""

    def first_batch(self, model: AdversarialModel) -> torch.Tensor:
        """`whole_batch` of the samples, the model conditioned on its labels: the batch the
        checks before training run on."""
        if self.labels is not None:
            model.condition(whole_batch(self.labels, model.batch_size))
        return whole_batch(self.samples, model.batch_size)
