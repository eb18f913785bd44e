"""The relativistic average losses (Jolicoeur-Martineau 2019, "The relativistic
discriminator"), as her reference code computes them (AlexiaJM/RelativisticGAN,
`GAN_losses_iter.py`, losses 6-8), halves included.

The critic judges a real sample against the average generated one and a generated sample
against the average real one: with v_r~ = v_real - mean(v_fake) and v_f~ = v_fake - mean(v_real),
each loss is the standard one on v_r~ (targets real) and v_f~ (targets fake), and the generator's
swaps the targets. The generator's loss therefore needs the critic's values on real data too:
these divergences set `relativistic = True` and take them as `generator_loss(v_fake, v_real)`.
The three differ only in the loss a relative value pays for being judged real or fake.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from genbench_objectives.catalog import BY_NAME


class RelativisticAverage:
    """D: (as_real(v_r~) + as_fake(v_f~)) / 2; G: (as_real(v_f~) + as_fake(v_r~)) / 2."""

    name = ""
    relativistic = True

    def __init__(self) -> None:
        self.description = BY_NAME[self.name].description
        self.params = BY_NAME[self.name].params

    def as_real(self, relative: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def as_fake(self, relative: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def discriminator_loss(self, v_real: torch.Tensor, v_fake: torch.Tensor) -> torch.Tensor:
        real, fake = _relative(v_real, v_fake)
        return (self.as_real(real).mean() + self.as_fake(fake).mean()) / 2

    def generator_loss(self, v_fake: torch.Tensor, v_real: torch.Tensor) -> torch.Tensor:
        real, fake = _relative(v_real, v_fake)
        return (self.as_real(fake).mean() + self.as_fake(real).mean()) / 2


def _relative(v_real: torch.Tensor, v_fake: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(v_real - mean(v_fake), v_fake - mean(v_real))."""
    return v_real - v_fake.mean(), v_fake - v_real.mean()


class RelativisticGAN(RelativisticAverage):
    """RaSGAN: the GAN's logistic loss, -log sigmoid(t) = softplus(-t) for the target real."""

    name = "relativistic-gan"

    def as_real(self, relative: torch.Tensor) -> torch.Tensor:
        return F.softplus(-relative)

    def as_fake(self, relative: torch.Tensor) -> torch.Tensor:
        return F.softplus(relative)


class RelativisticLeastSquares(RelativisticAverage):
    """RaLSGAN: targets 1 for the real side and -1 for the generated side."""

    name = "relativistic-least-squares"

    def as_real(self, relative: torch.Tensor) -> torch.Tensor:
        return (relative - 1) ** 2

    def as_fake(self, relative: torch.Tensor) -> torch.Tensor:
        return (relative + 1) ** 2


class RelativisticHinge(RelativisticAverage):
    """RaHingeGAN: the hinge's margins of 1 on both relative values."""

    name = "relativistic-hinge"

    def as_real(self, relative: torch.Tensor) -> torch.Tensor:
        return torch.relu(1 - relative)

    def as_fake(self, relative: torch.Tensor) -> torch.Tensor:
        return torch.relu(1 + relative)
