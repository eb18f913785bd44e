"""The relativistic average losses (Jolicoeur-Martineau 2019, "The relativistic
discriminator"), as her reference code computes them (AlexiaJM/RelativisticGAN,
`GAN_losses_iter.py`, losses 6-8), halves included.

The critic judges a real sample against the average generated one and a generated sample
against the average real one: with v_r~ = v_real - mean(v_fake) and v_f~ = v_fake - mean(v_real),
each loss is the standard one on v_r~ (targets real) and v_f~ (targets fake), and the generator's
swaps the targets. The generator's loss therefore needs the critic's values on real data too:
these divergences set `relativistic = True` and take them as `generator_loss(v_fake, v_real)`.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from genbench_objectives.catalog import BY_NAME


def _relative(v_real: torch.Tensor, v_fake: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(v_real - mean(v_fake), v_fake - mean(v_real))."""
    return v_real - v_fake.mean(), v_fake - v_real.mean()


class RelativisticGAN:
    """RaSGAN: the GAN's logistic loss, -log sigmoid(t) = softplus(-t) for the target real."""

    name = "relativistic-gan"
    description = BY_NAME["relativistic-gan"].description
    params = BY_NAME["relativistic-gan"].params
    relativistic = True

    def discriminator_loss(self, v_real: torch.Tensor, v_fake: torch.Tensor) -> torch.Tensor:
        real, fake = _relative(v_real, v_fake)
        return (F.softplus(-real).mean() + F.softplus(fake).mean()) / 2

    def generator_loss(self, v_fake: torch.Tensor, v_real: torch.Tensor) -> torch.Tensor:
        real, fake = _relative(v_real, v_fake)
        return (F.softplus(-fake).mean() + F.softplus(real).mean()) / 2


class RelativisticLeastSquares:
    """RaLSGAN: targets 1 for the real side and -1 for the generated side."""

    name = "relativistic-least-squares"
    description = BY_NAME["relativistic-least-squares"].description
    params = BY_NAME["relativistic-least-squares"].params
    relativistic = True

    def discriminator_loss(self, v_real: torch.Tensor, v_fake: torch.Tensor) -> torch.Tensor:
        real, fake = _relative(v_real, v_fake)
        return (((real - 1) ** 2).mean() + ((fake + 1) ** 2).mean()) / 2

    def generator_loss(self, v_fake: torch.Tensor, v_real: torch.Tensor) -> torch.Tensor:
        real, fake = _relative(v_real, v_fake)
        return (((fake - 1) ** 2).mean() + ((real + 1) ** 2).mean()) / 2


class RelativisticHinge:
    """RaHingeGAN: the hinge's margins of 1 on both relative values."""

    name = "relativistic-hinge"
    description = BY_NAME["relativistic-hinge"].description
    params = BY_NAME["relativistic-hinge"].params
    relativistic = True

    def discriminator_loss(self, v_real: torch.Tensor, v_fake: torch.Tensor) -> torch.Tensor:
        real, fake = _relative(v_real, v_fake)
        return (torch.relu(1 - real).mean() + torch.relu(1 + fake).mean()) / 2

    def generator_loss(self, v_fake: torch.Tensor, v_real: torch.Tensor) -> torch.Tensor:
        real, fake = _relative(v_real, v_fake)
        return (torch.relu(1 - fake).mean() + torch.relu(1 + real).mean()) / 2
