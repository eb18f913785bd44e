"""Class labels for conditional models: which class each generated sample is asked to be, and
under which label the critic judges each input.

A family's losses call the critic on many batches (real, generated, the two joined, a penalty's
interpolates between them) without passing labels. genbench keeps them all right with one rule:
in a training step the generated batch is drawn with the real batch's labels, so the label of
every row of every batch the critic sees is the step's label of that row, and a batch of k
times the step's rows (real and generated joined) has the labels k times over. The engine sets
the step's labels (`AdversarialModel.condition`) before each critic update; the generator's
update that follows keeps the last critic update's labels. Training so draws generated labels
from the data's own label distribution, as a real batch does, and no family has to know about
labels: a conditional critic reads them from the `LabelContext` it shares with its model.
"""

from __future__ import annotations

import torch


class LabelContext:
    """The labels of the current rows: one tensor, overwritten in place from step to step so a
    compiled step (CUDA graphs included) reads the same memory each time."""

    def __init__(self, num_classes: int) -> None:
        self.num_classes = num_classes
        self._labels: torch.Tensor | None = None

    def set(self, labels: torch.Tensor) -> None:
        """The labels of the rows that follow (int64, shaped (B,))."""
        labels = labels.detach().long()
        if self._labels is not None and self._labels.shape == labels.shape:
            self._labels.copy_(labels)
        else:
            self._labels = labels.clone()

    def for_rows(self, rows: int) -> torch.Tensor:
        """The labels of a batch of `rows`: the step's, or k copies of them for a batch of k
        times its rows (the critic scoring real and generated samples in one pass)."""
        labels = self._labels
        if labels is None:
            raise RuntimeError(
                "a conditional model was called before its labels were set "
                "(AdversarialModel.condition)"
            )
        if rows == len(labels):
            return labels
        if rows % len(labels):
            raise RuntimeError(
                f"a conditional critic got {rows} rows, not a multiple of the step's "
                f"{len(labels)} labelled rows"
            )
        return labels.repeat(rows // len(labels))


def class_frequencies(labels: torch.Tensor, num_classes: int) -> torch.Tensor:
    """Each class's share of `labels`: what a conditional model draws evaluation labels from,
    so its samples have the data's class balance and score against the data fairly."""
    counts = torch.bincount(labels.long().flatten().cpu(), minlength=num_classes).double()
    return (counts / counts.sum()).float()
