"""WGAN-GP (Gulrajani et al. 2017): a soft Lipschitz constraint instead of weight clipping.

The optimal critic has gradient norm 1 almost everywhere on lines between P and Q, so the
critic pays lambda (||grad_x v(x_hat)||_2 - 1)^2 on random interpolates x_hat between real and
generated samples. Clipping, which biases the critic towards very simple functions and
makes training sensitive to c, is not used.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

import genbench
from genbench_gan.common import build_model
from genbench_wgan.wasserstein import WassersteinGAN


def gradient_penalty(
    critic: Callable[[torch.Tensor], torch.Tensor],
    real: torch.Tensor,
    fake: torch.Tensor,
    packing: int = 1,
) -> torch.Tensor:
    """E[(||grad v(x_hat)||_2 - 1)^2] with x_hat = eps x + (1 - eps) x~, one eps per critic
    input, for samples of any shape (points (N, d), images (N, C, H, W)). A packed critic's
    input is `packing` consecutive samples: they share one eps, so x_hat lies on the line
    between two critic inputs, and the norm is taken over the whole packed input."""
    groups = real.shape[0] // packing
    eps = torch.rand(groups, device=real.device, dtype=real.dtype).repeat_interleave(packing)
    eps = eps.view(-1, *(1,) * (real.dim() - 1))
    # Detached: the penalty regularises the critic only, even if `fake` carries the generator.
    x_hat = (eps * real + (1 - eps) * fake).detach().requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(x_hat).sum(), x_hat, create_graph=True)
    return (grad.reshape(groups, -1).norm(dim=1) - 1).square().mean()


class GradientPenaltyWGAN(WassersteinGAN):
    def __init__(self, *args: Any, penalty: float, packing: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.penalty = penalty
        self.packing = packing

    def critic_loss(self, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
        wasserstein = super().critic_loss(real, fake)
        penalty = gradient_penalty(self.critic, real, fake, self.packing)
        return wasserstein + self.penalty * penalty


def build_wgan_gp(context: genbench.BuildContext) -> GradientPenaltyWGAN:
    params = context.params
    return build_model(
        GradientPenaltyWGAN, context, penalty=params["penalty"], packing=params["packing"]
    )
