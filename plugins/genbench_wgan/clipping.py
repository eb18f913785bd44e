"""WGAN (Arjovsky et al. 2017): a Lipschitz critic by clipping every weight to [-c, c].

Clipping follows Algorithm 1 of the paper (after each critic update). The critic is also
clipped when built, so it never leaves the clipped set: that equals the authors' code, which
clips before each critic update. Their code also runs 100 critic updates for the first 25
generator updates and every 500th, so the critic is near its optimum when the generator
relies on it most; `authors_schedule` turns that on.
"""

from __future__ import annotations

from typing import Any

import torch

import genbench
from genbench_gan.common import build_model
from genbench_wgan.wasserstein import WassersteinGAN

SCHEDULE_CRITIC_STEPS = 100
SCHEDULE_WARMUP = 25
SCHEDULE_PERIOD = 500


class WeightClippedWGAN(WassersteinGAN):
    def __init__(self, *args: Any, clip: float, authors_schedule: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.clip = clip
        self.authors_schedule = authors_schedule
        self.after_critic_step()

    def critic_steps(self, generator_step: int) -> int:
        if self.authors_schedule and (
            generator_step < SCHEDULE_WARMUP or generator_step % SCHEDULE_PERIOD == 0
        ):
            return SCHEDULE_CRITIC_STEPS
        return self.n_critic

    @torch.no_grad()
    def after_critic_step(self) -> None:
        for parameter in self.critic.parameters():
            parameter.clamp_(-self.clip, self.clip)


def build_wgan(context: genbench.BuildContext) -> WeightClippedWGAN:
    params = context.params
    return build_model(
        WeightClippedWGAN,
        context,
        clip=params["clip"],
        authors_schedule=params["authors_schedule"],
    )
