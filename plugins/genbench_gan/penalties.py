"""Critic regularisers any GAN-style family can add (`penalties = { r1 = 10 }`), as the
objectives compared today use them:

- R1 and R2 (Mescheder et al. 2018, "Which training methods for GANs do actually converge?"):
  gamma/2 E||grad_x v(x)||^2 on real (R1) or generated (R2) samples, zero-centred: they pull
  the critic towards flatness on the data, which makes simultaneous gradient descent converge
  locally where unregularised GANs cycle;
- DRAGAN (Kodali et al. 2017): lambda E[(||grad v(x_hat)||_2 - 1)^2] at points x_hat between
  a real sample and a perturbed copy of it, x + alpha * 0.5 std(batch) * u with u, alpha
  uniform in [0, 1) (the authors' code), which penalises sharp gradients around the data;
- GP (Gulrajani et al. 2017): the same penalty at interpolates between real and generated
  samples, WGAN-GP's, for any objective.

The gradient is taken with respect to the critic's input; a packing critic's input is `packing`
consecutive samples, so their gradients form one vector and the norm is taken over it. Every
penalty regularises the critic only: its inputs are detached from the generator.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torch

Critic = Callable[[torch.Tensor], torch.Tensor]
DRAGAN_SCALE = 0.5


def input_gradient_norms(critic: Critic, inputs: torch.Tensor, packing: int = 1) -> torch.Tensor:
    """||grad_x v(x)||_2 per critic input, with the graph kept so the penalty trains."""
    x = inputs.detach().requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(x).sum(), x, create_graph=True)
    return grad.reshape(inputs.shape[0] // packing, -1).norm(dim=1)


def zero_centred(critic: Critic, samples: torch.Tensor, packing: int = 1) -> torch.Tensor:
    """E||grad v||^2 / 2 on `samples`: R1 on real samples, R2 on generated ones (times gamma)."""
    return input_gradient_norms(critic, samples, packing).square().mean() / 2


def interpolates(start: torch.Tensor, end: torch.Tensor, packing: int = 1) -> torch.Tensor:
    """eps start + (1 - eps) end, one eps per critic input (a packed group shares it)."""
    groups = start.shape[0] // packing
    eps = torch.rand(groups, device=start.device, dtype=start.dtype).repeat_interleave(packing)
    eps = eps.view(-1, *(1,) * (start.dim() - 1))
    return eps * start + (1 - eps) * end


def gradient_penalty(
    critic: Critic, real: torch.Tensor, fake: torch.Tensor, packing: int = 1
) -> torch.Tensor:
    """E[(||grad v(x_hat)||_2 - 1)^2] at real-generated interpolates (times lambda)."""
    x_hat = interpolates(real.detach(), fake.detach(), packing)
    return (input_gradient_norms(critic, x_hat, packing) - 1).square().mean()


def dragan_penalty(critic: Critic, real: torch.Tensor, packing: int = 1) -> torch.Tensor:
    """E[(||grad v(x_hat)||_2 - 1)^2] between real samples and perturbed copies (times lambda)."""
    real = real.detach()
    perturbed = real + DRAGAN_SCALE * real.std() * torch.rand_like(real)
    x_hat = interpolates(perturbed, real, packing)
    return (input_gradient_norms(critic, x_hat, packing) - 1).square().mean()


@dataclass(frozen=True)
class CriticPenalties:
    """The weights of each regulariser (0: off) and the packing of the critic they act on."""

    r1: float = 0.0
    r2: float = 0.0
    dragan: float = 0.0
    gp: float = 0.0
    packing: int = 1

    @classmethod
    def of(cls, params: dict[str, Any]) -> CriticPenalties | None:
        """The entry's `penalties` table, or None when it sets none."""
        weights = params.get("penalties")
        if not weights or not any(weights.values()):
            return None
        return cls(**weights, packing=params.get("packing", 1))

    def __call__(self, critic: Critic, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
        total = torch.zeros((), device=real.device, dtype=real.dtype)
        if self.r1:
            total = total + self.r1 * zero_centred(critic, real, self.packing)
        if self.r2:
            total = total + self.r2 * zero_centred(critic, fake, self.packing)
        if self.dragan:
            total = total + self.dragan * dragan_penalty(critic, real, self.packing)
        if self.gp:
            total = total + self.gp * gradient_penalty(critic, real, fake, self.packing)
        return total
