"""WGAN-GP (Gulrajani et al. 2017): a soft Lipschitz constraint instead of weight clipping.

The optimal critic has gradient norm 1 almost everywhere on lines between P and Q, so the
critic pays lambda (||grad_x v(x_hat)||_2 - 1)^2 on random interpolates x_hat between real and
generated samples. Clipping, which biases the critic towards very simple functions and
makes training sensitive to c, is not used.
"""

from __future__ import annotations

from typing import Any

import torch

import genbench
from genbench_gan.common import build_model
from genbench_gan.penalties import gradient_penalty
from genbench_wgan.wasserstein import WassersteinGAN


class GradientPenaltyWGAN(WassersteinGAN):
    def __init__(self, *args: Any, penalty: float, packing: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.penalty = penalty
        self.packing = packing

    def objective_loss(self, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
        wasserstein = super().objective_loss(real, fake)
        penalty = gradient_penalty(self.critic, real, fake, self.packing)
        return wasserstein + self.penalty * penalty


def build_wgan_gp(context: genbench.BuildContext) -> GradientPenaltyWGAN:
    params = context.params
    return build_model(
        GradientPenaltyWGAN, context, penalty=params["penalty"], packing=params["packing"]
    )
