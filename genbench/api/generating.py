"""How a model draws samples: with gradients for training (`generate`), from its evaluation
generator for metrics (`sample`), and, for a class-conditional model, of the classes asked
for (`genbench.api.conditioning`). The base of `AdversarialModel`, kept apart from its losses
and optimiser hooks."""

from __future__ import annotations

import torch
from torch import nn

from genbench.api.conditioning import LabelContext
from genbench.api.latent_prior import LatentPrior


class Generating(nn.Module):
    """The sampling half of `AdversarialModel`; it owns `generator` and `prior`."""

    generator: nn.Module
    prior: LatentPrior

    labels: LabelContext | None = None
    """A conditional model's labels (`genbench.api.conditioning`), shared with its critic;
    None for an unconditional model. Set by `make_conditional`."""

    class_frequencies: torch.Tensor

    def make_conditional(self, labels: LabelContext, class_frequencies: torch.Tensor) -> None:
        """Make this a model whose generator takes (z, labels) and whose critic reads
        `labels`; evaluation draws labels from `class_frequencies` (kept in checkpoints)."""
        self.labels = labels
        self.register_buffer("class_frequencies", class_frequencies.float())

    @property
    def num_classes(self) -> int:
        """The classes a conditional model generates on request; 0: unconditional."""
        return self.labels.num_classes if self.labels is not None else 0

    def condition(self, labels: torch.Tensor) -> None:
        """The labels of the training step's rows: the real batch's, which the generated
        batch is drawn with; the engine calls it before each critic update."""
        if self.labels is None:
            raise RuntimeError("condition() called on an unconditional model")
        self.labels.set(labels)

    def sample_labels(self, n: int) -> torch.Tensor:
        """n labels drawn from the data's class frequencies, on the model's device."""
        return torch.multinomial(self.class_frequencies, n, replacement=True)

    ema_decay: float | None = None
    """The decay of the average of G's weights that `sampler` holds; None: no average."""

    @property
    def sampler(self) -> nn.Module:
        """The generator evaluation samples from: G itself, or a model's exponential moving
        average of G's weights (then `ema_decay` says so, and the record with it)."""
        return self.generator

    def generate(self, n: int) -> torch.Tensor:
        """n samples with gradients flowing to the generator (and a learnable prior); a
        conditional model's with the step's labels (`condition`)."""
        z = self.prior.sample(n)
        if self.labels is None:
            samples: torch.Tensor = self.generator(z)  # Module calls are Any
        else:
            samples = self.generator(z, self.labels.for_rows(len(z)))
        return samples

    @torch.no_grad()
    def sample(
        self, n: int, batch_size: int = 1000, labels: torch.Tensor | None = None
    ) -> torch.Tensor:
        """n samples for evaluation from `sampler`, in eval mode and without gradients; a
        conditional model's of the classes `labels` asks for (n of them), else of classes
        drawn from the data's frequencies (`sample_labels`)."""
        if self.labels is not None and labels is None:
            labels = self.sample_labels(n)
        was_training = self.training
        self.eval()
        try:
            chunks = [
                self._sample_batch(
                    min(batch_size, n - i), None if labels is None else labels[i : i + batch_size]
                )
                for i in range(0, n, batch_size)
            ]
        finally:
            self.train(was_training)
        return torch.cat(chunks)

    def sample_labelled(
        self, n: int, batch_size: int = 1000
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """`sample` with the classes a conditional model was asked for, drawn from the data's
        class frequencies (None for an unconditional model): what conditional metrics read."""
        labels = self.sample_labels(n) if self.labels is not None else None
        return self.sample(n, batch_size, labels), labels

    def _sample_batch(self, n: int, labels: torch.Tensor | None) -> torch.Tensor:
        # `generate` unless a model keeps another generator for evaluation (a weight average)
        # or is conditional (evaluation's labels are not the training step's).
        if self.sampler is self.generator and labels is None:
            return self.generate(n)
        z = self.prior.sample(n)
        samples: torch.Tensor = self.sampler(z) if labels is None else self.sampler(z, labels)
        return samples
