"""The divergence contract: losses on the critic's raw output v.

A divergence object is registered as it is; `discriminator_loss` and `generator_loss` return
scalars to minimise. An f-divergence subclasses `FDivergence` and supplies only f, its convex
conjugate f* and the output activation g_f; both losses follow from them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from genbench.api.params import Param

if TYPE_CHECKING:
    import torch


class Divergence(Protocol):
    """Losses to minimise on the critic's raw outputs: `discriminator_loss(v_real, v_fake)` for
    the critic, `generator_loss(v_fake)` for the generator.

    Optional members: `configure(params)`, returning a copy with the declared `params` set
    (needed when there are any); and `relativistic = True` (a class attribute; absent means
    False) for a loss whose generator side compares with real samples too (the relativistic
    average GANs): its `generator_loss(v_fake, v_real)` then takes the critic's values on a real
    batch as a second argument, as plain values (the generator's step does not train the
    critic).
    """

    name: str
    description: str
    params: tuple[Param, ...]

    def discriminator_loss(self, v_real: torch.Tensor, v_fake: torch.Tensor) -> torch.Tensor: ...

    def generator_loss(self, v_fake: torch.Tensor) -> torch.Tensor: ...


class FDivergence:
    """D_f(P||Q) = E_Q[f(p/q)] through its variational bound (Nowozin et al. 2016):
    D_f >= sup_T E_P[T] - E_Q[f*(T)], with T = g_f(v) kept inside dom f* by the activation.

    Subclasses set `name` and `description` and implement `f`, `f_star` and `activation`
    (and `configure`, if they declare `params`);
    `ratio` (grad f*, the likelihood-ratio estimate p/q at the optimum) has an autograd default
    that a closed form may replace.
    """

    name: str = ""
    description: str = ""
    params: tuple[Param, ...] = ()

    def configure(self, params: dict[str, Any]) -> FDivergence:
        """This divergence with its declared `params` set (e.g. the PR divergence's lambda);
        one without parameters is itself."""
        return self

    def f(self, u: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def f_star(self, t: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def activation(self, v: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def conjugate_of_activation(self, v: torch.Tensor) -> torch.Tensor:
        """f*(g_f(v)); a closed form may replace it where composing the two loses precision
        (e.g. g_f(v) rounding onto the edge of dom f* for a confident critic in float32)."""
        return self.f_star(self.activation(v))

    def ratio(self, t: torch.Tensor) -> torch.Tensor:
        """grad f*(t): at the optimal critic, T*(x) = f'(p(x)/q(x)), so this recovers p/q."""
        import torch

        with torch.enable_grad():
            source = t if t.requires_grad else t.detach().requires_grad_(True)
            (grad,) = torch.autograd.grad(self.f_star(source).sum(), source, create_graph=True)
        return grad

    def bound(self, v_real: torch.Tensor, v_fake: torch.Tensor) -> torch.Tensor:
        """The variational lower bound E_P[T] - E_Q[f*(T)] that the critic maximises."""
        return self.activation(v_real).mean() - self.conjugate_of_activation(v_fake).mean()

    def discriminator_loss(self, v_real: torch.Tensor, v_fake: torch.Tensor) -> torch.Tensor:
        return -self.bound(v_real, v_fake)

    def generator_loss(self, v_fake: torch.Tensor) -> torch.Tensor:
        """Non-saturating: maximise E_Q[g_f(v)], strong gradients early in training."""
        return -self.activation(v_fake).mean()

    def saddle_generator_loss(self, v_fake: torch.Tensor) -> torch.Tensor:
        """The saddle-point form: the generator minimises the bound, i.e. maximises
        E_Q[f*(g_f(v))]."""
        return -self.conjugate_of_activation(v_fake).mean()
