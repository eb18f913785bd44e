"""The Kantorovich-Rubinstein dual that both WGAN variants optimise.

W1(P, Q) = sup over 1-Lipschitz v of E_P[v] - E_Q[v]. The critic minimises the negative,
E_Q[v] - E_P[v]; the generator minimises -E_Q[v], the only term that depends on it. The
variants differ only in how they keep v (roughly) 1-Lipschitz.
"""

from __future__ import annotations

import torch

from genbench_gan.common import GANModel


class WassersteinGAN(GANModel):
    def objective_loss(self, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
        v_real, v_fake = self.critic_values(real, fake)
        return v_fake.mean() - v_real.mean()

    def objective_generator_loss(self, fake: torch.Tensor) -> torch.Tensor:
        return -self.critic(fake).mean()
