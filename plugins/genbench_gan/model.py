"""The vanilla GAN (Goodfellow et al. 2014).

The critic outputs a logit v, D = sigmoid(v), and minimises -E_P[log D] - E_Q[log(1 - D)]:
at its optimum with p_G = p_data, D = 1/2 and this loss is log 4 (the minimax value -log 4).
The generator minimises E[log(1 - D(G(z)))] ("minimax", which saturates early in training)
or -E[log D(G(z))] ("non-saturating", the paper's practical choice and our default).
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

import genbench
from genbench_gan.common import GANModel, build_model


class VanillaGAN(GANModel):
    def __init__(self, *args: Any, generator_objective: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.generator_objective = generator_objective

    def objective_loss(self, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
        v_real, v_fake = self.critic_values(real, fake)
        return F.softplus(-v_real).mean() + F.softplus(v_fake).mean()

    def objective_generator_loss(self, fake: torch.Tensor) -> torch.Tensor:
        v_fake = self.critic(fake)
        if self.generator_objective == "minimax":
            return -F.softplus(v_fake).mean()
        return F.softplus(-v_fake).mean()


def build_vanilla_gan(context: genbench.BuildContext) -> VanillaGAN:
    return build_model(VanillaGAN, context, generator_objective=context.params["generator_loss"])
