"""Class-conditional GAN-style models: the critic as families call it (on inputs alone), and
AC-GAN's auxiliary classification loss.

A conditional network's critic takes (inputs, labels); the families call `critic(inputs)`
on real, generated and joined batches and on a penalty's interpolates. `ConditionalCritic`
supplies the labels from the model's `LabelContext` (the rows' labels, see
`genbench.api.conditioning`). With AC-GAN's head it returns the adversarial value and keeps
the cross-entropy of the class logits of every call made with gradients, which the model adds
to the loss it is computing (`class_loss`).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from genbench.api.conditioning import LabelContext


class ConditionalCritic(nn.Module):
    def __init__(self, critic: nn.Module, labels: LabelContext, auxiliary: bool) -> None:
        super().__init__()
        self.critic = critic
        self.labels = labels
        self.auxiliary = auxiliary
        self._entropy: list[tuple[torch.Tensor, int]] = []

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        labels = self.labels.for_rows(len(x))
        out: torch.Tensor = self.critic(x, labels)
        if not self.auxiliary:
            return out
        if torch.is_grad_enabled():
            # Summed here, divided once by the rows of every call: one pass over real and
            # generated rows joined gives the loss of two passes.
            entropy = F.cross_entropy(out[:, 1:].float(), labels, reduction="sum")
            self._entropy.append((entropy, len(x)))
        return out[:, 0]

    def class_loss(self) -> torch.Tensor | None:
        """The mean cross-entropy over the rows of the calls since the last `class_loss`
        (None if there were none), and forget them."""
        calls, self._entropy = self._entropy, []
        if not calls:
            return None
        rows = sum(n for _, n in calls)
        return torch.stack([entropy for entropy, _ in calls]).sum() / rows
