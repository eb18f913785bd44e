"""Whole batches for the checks that run before training (the joint-critic check, the compile
probe), even from data smaller than one batch.

The engine draws training batches by index with replacement, so data with fewer rows than
`batch_size` trains; a check on `data[:batch_size]` would instead see fewer rows than training
does, and a packing critic, which needs whole groups of samples, fails on them.
"""

from __future__ import annotations

import torch


def whole_batch(data: torch.Tensor, batch_size: int) -> torch.Tensor:
    """The first `batch_size` rows of `data`, starting over from its first row where it has
    fewer, so the batch has the training size whatever the data's."""
    rows = torch.arange(batch_size, device=data.device) % data.shape[0]
    return data[rows]
