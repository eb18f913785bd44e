"""The f-GAN model: a GAN whose objective is any registered divergence, by name.

The critic maximises the divergence's variational bound; the generator uses the non-saturating
form by default (maximise E_Q[g_f(v)], as Nowozin et al. do in practice) or the saddle form.
The seeds' stabilisers are options: critic weight decay, gradient-norm clipping and a warm
start on another divergence for the first steps (e.g. Jensen-Shannon before KL, whose
exponential conjugate explodes while the critic is still poor). A divergence that is not an
f-divergence (hinge, least squares, the relativistic losses) trains through its own two losses.
"""

from __future__ import annotations

from typing import Any

import torch

import genbench
from genbench_gan.common import GANModel, build_model


class FGAN(GANModel):
    def __init__(
        self,
        *args: Any,
        divergence: Any,
        generator_objective: str,
        grad_clip: float,
        warm_start: tuple[Any, int] | None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.divergence = divergence
        self.generator_objective = generator_objective
        self.grad_clip = grad_clip
        self.warm_start = warm_start
        self.active = divergence
        self._last_real: torch.Tensor | None = None

    def begin_step(self, generator_step: int) -> None:
        warm = self.warm_start
        self.active = warm[0] if warm is not None and generator_step < warm[1] else self.divergence

    def objective_loss(self, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
        self._last_real = real.detach()
        return self.active.discriminator_loss(*self.critic_values(real, fake))

    def objective_generator_loss(self, fake: torch.Tensor) -> torch.Tensor:
        """The divergence's generator loss on the critic's values; a relativistic divergence
        (`relativistic = True`) also gets the critic's values on real data, as plain values.

        The engine hands the generator's step no real batch, so those are the values on the
        last real batch the critic step saw, scored by the critic as it is now. The reference
        code (AlexiaJM/RelativisticGAN) draws a fresh real batch for the generator step
        instead; both are batches of the data, but this one the critic has just trained on."""
        v_fake = self.critic(fake)
        if self.generator_objective == "saddle":
            return self.active.saddle_generator_loss(v_fake)
        if getattr(self.active, "relativistic", False):
            return self.active.generator_loss(v_fake, self._real_values())
        return self.active.generator_loss(v_fake)

    def _real_values(self) -> torch.Tensor:
        if self._last_real is None:
            raise RuntimeError("a relativistic generator loss needs a critic step first")
        with torch.no_grad():
            values: torch.Tensor = self.critic(self._last_real)
        return values

    def before_critic_step(self) -> None:
        if self.grad_clip > 0:
            torch.nn.utils.clip_grad_norm_(self.critic.parameters(), self.grad_clip)

    def before_generator_step(self) -> None:
        super().before_generator_step()
        if self.grad_clip > 0:
            generator_params = [*self.generator.parameters(), *self.prior.parameters()]
            torch.nn.utils.clip_grad_norm_(generator_params, self.grad_clip)


def _divergence(
    registry: genbench.api.Registry, name: str, generator_objective: str, params: dict[str, Any]
) -> Any:
    description = registry.describe("divergence", name)
    divergence = registry.get("divergence", name)
    if description.params:
        divergence = divergence.configure(
            genbench.resolve_params(description.params, params, f"divergence {name!r}")
        )
    if generator_objective == "saddle" and not isinstance(divergence, genbench.FDivergence):
        raise genbench.UserError(
            f"divergence {name!r} is not an f-divergence, so it has no saddle generator loss; "
            "use generator_loss = 'non-saturating'"
        )
    return divergence


def build_fgan(context: genbench.BuildContext) -> FGAN:
    params = context.params
    objective = params["generator_loss"]
    warm = params["warm_start"]
    warm_start = None
    if warm is not None:
        warm_start = (
            _divergence(context.registry, warm["divergence"], objective, {}),
            warm["steps"],
        )
    return build_model(
        FGAN,
        context,
        divergence=_divergence(
            context.registry, params["divergence"], objective, params["divergence_params"]
        ),
        generator_objective=objective,
        grad_clip=params["grad_clip"],
        warm_start=warm_start,
    )
