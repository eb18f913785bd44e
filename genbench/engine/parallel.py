"""Data-parallel training of one run on several processes (GPUs, or CPU processes with gloo):
each rank trains on its share of every batch and the ranks average their gradients before
each optimiser step, so the ranks hold the same weights throughout and a step equals one
process's step on the whole batch.

Every rank draws the whole batch's data indices and latent vectors from the same seeded
generators, and keeps its share: the draws, and so the run, do not depend on how many ranks
share it. The gradients are summed with one `all_reduce` per optimiser step and divided by
the number of ranks (the losses are means over the batch, so the mean of the shares' gradients
is the whole batch's). This is what torch's DistributedDataParallel computes; its wrapper is
not used because its bucketed hooks assume every parameter receives a gradient in every
backward pass, which a GAN's alternating steps (the critic frozen in the generator's) and a
gradient penalty's double backward break.

What is not yet one process's: random numbers a loss draws itself (WGAN-GP's and DRAGAN's
interpolation weights) are drawn for the rank's share from the same generator state on every
rank, so the ranks reuse one share's draws instead of drawing the whole batch's; the ranks
stay in step, but such a run is not bit for bit a one-process run, and its penalty sees
fewer distinct weights. Losses without draws of their own (the GAN, f-GAN, hinge, least
squares, R1, R2) train exactly as one process. A sweep started by torchrun trains each run on
every rank (`genbench.sweep.ranks`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import torch
import torch.distributed as dist

from genbench.api.adversarial import AdversarialModel


@dataclass(frozen=True)
class DataParallel:
    """This process's place among `world` ranks of one run (`torch.distributed` initialised);
    `device` is where its collectives' flags live (the GPU of an NCCL group)."""

    rank: int
    world: int
    device: torch.device = field(default_factory=lambda: torch.device("cpu"))

    def share(self, batch: int) -> slice:
        """This rank's rows of a batch of `batch` (a multiple of `world`)."""
        size = batch // self.world
        return slice(self.rank * size, (self.rank + 1) * size)

    def average_gradients(self, optimizer: torch.optim.Optimizer) -> None:
        """Every gradient of `optimizer`'s parameters replaced by its mean over the ranks."""
        grads = [p.grad for group in optimizer.param_groups for p in group["params"]]
        present = [g for g in grads if g is not None]
        if not present:
            return
        flat = torch.cat([g.reshape(-1) for g in present])
        dist.all_reduce(flat)
        flat /= self.world
        offset = 0
        for grad in present:
            grad.copy_(flat[offset : offset + grad.numel()].view_as(grad))
            offset += grad.numel()

    def agree(self, done: bool) -> bool:
        """Whether any rank is done (a time budget: the ranks' clocks differ a little; a
        pruning rule or a non-finite loss that one rank saw)."""
        flag = torch.tensor([float(done)], device=self.device)
        dist.all_reduce(flag, op=dist.ReduceOp.MAX)
        return bool(flag.item())


@contextmanager
def sharded_prior(model: AdversarialModel, parallel: DataParallel | None) -> Iterator[None]:
    """Inside the block (a training step, not an evaluation), the prior draws a whole batch's
    latents and returns this rank's share, so G runs on its share only."""
    if parallel is None:
        yield
        return
    prior: Any = model.prior
    previous = vars(prior).get("sample")
    whole = prior.sample

    def share(n: int) -> torch.Tensor:
        latents: torch.Tensor = whole(n)
        return latents[parallel.share(n)]

    vars(prior)["sample"] = share
    try:
        yield
    finally:
        if previous is None:
            del vars(prior)["sample"]
        else:
            vars(prior)["sample"] = previous
