"""The f-GAN table (Nowozin et al. 2016, Table 2) plus the seeds' Bhattacharyya and Jeffreys.

Each divergence gives f, its convex conjugate f* and the output activation g_f that maps the
critic's raw output into dom f*; `genbench.FDivergence` derives the losses. `ratio` (grad f*)
is written out where it has a simple closed form, so the likelihood-ratio estimate p/q does
not need a second autograd pass, and so is f*(g_f(v)) where composing the two would round a
confident critic's output onto the edge of dom f* in float32.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

import genbench

LOG_2 = math.log(2.0)
LOG_4 = math.log(4.0)


class KL(genbench.FDivergence):
    name = "kl"

    def f(self, u: torch.Tensor) -> torch.Tensor:
        return torch.xlogy(u, u)

    def f_star(self, t: torch.Tensor) -> torch.Tensor:
        return torch.exp(t - 1)

    def activation(self, v: torch.Tensor) -> torch.Tensor:
        return v

    def ratio(self, t: torch.Tensor) -> torch.Tensor:
        return torch.exp(t - 1)


class ReverseKL(genbench.FDivergence):
    name = "reverse-kl"

    def f(self, u: torch.Tensor) -> torch.Tensor:
        return -torch.log(u)

    def f_star(self, t: torch.Tensor) -> torch.Tensor:
        return -1 - torch.log(-t)

    def activation(self, v: torch.Tensor) -> torch.Tensor:
        return -torch.exp(-v)

    def conjugate_of_activation(self, v: torch.Tensor) -> torch.Tensor:
        return v - 1

    def ratio(self, t: torch.Tensor) -> torch.Tensor:
        return -1 / t


class Pearson(genbench.FDivergence):
    name = "pearson"

    def f(self, u: torch.Tensor) -> torch.Tensor:
        return (u - 1) ** 2

    def f_star(self, t: torch.Tensor) -> torch.Tensor:
        return t**2 / 4 + t

    def activation(self, v: torch.Tensor) -> torch.Tensor:
        return v

    def ratio(self, t: torch.Tensor) -> torch.Tensor:
        return t / 2 + 1


class Neyman(genbench.FDivergence):
    name = "neyman"

    def f(self, u: torch.Tensor) -> torch.Tensor:
        return (1 - u) ** 2 / u

    def f_star(self, t: torch.Tensor) -> torch.Tensor:
        return 2 - 2 * torch.sqrt(1 - t)

    def activation(self, v: torch.Tensor) -> torch.Tensor:
        return 1 - torch.exp(-v)

    def conjugate_of_activation(self, v: torch.Tensor) -> torch.Tensor:
        return 2 - 2 * torch.exp(-v / 2)

    def ratio(self, t: torch.Tensor) -> torch.Tensor:
        return torch.rsqrt(1 - t)


class SquaredHellinger(genbench.FDivergence):
    name = "squared-hellinger"

    def f(self, u: torch.Tensor) -> torch.Tensor:
        return (torch.sqrt(u) - 1) ** 2

    def f_star(self, t: torch.Tensor) -> torch.Tensor:
        return t / (1 - t)

    def activation(self, v: torch.Tensor) -> torch.Tensor:
        return 1 - torch.exp(-v)

    def conjugate_of_activation(self, v: torch.Tensor) -> torch.Tensor:
        return torch.expm1(v)

    def ratio(self, t: torch.Tensor) -> torch.Tensor:
        return (1 - t) ** -2


class JensenShannon(genbench.FDivergence):
    name = "jensen-shannon"

    def f(self, u: torch.Tensor) -> torch.Tensor:
        return -(u + 1) * torch.log((1 + u) / 2) + torch.xlogy(u, u)

    def f_star(self, t: torch.Tensor) -> torch.Tensor:
        return -torch.log(2 - torch.exp(t))

    def activation(self, v: torch.Tensor) -> torch.Tensor:
        return LOG_2 - F.softplus(-v)

    def conjugate_of_activation(self, v: torch.Tensor) -> torch.Tensor:
        return F.softplus(v) - LOG_2

    def ratio(self, t: torch.Tensor) -> torch.Tensor:
        return torch.exp(t) / (2 - torch.exp(t))


class GAN(genbench.FDivergence):
    """Nowozin et al.'s table lists f(u) = u log u - (u + 1) log(u + 1), whose value is
    2 JS - log 4 and whose f(1) = -log 4. We add log 4 to f (and take it from f*), so that, as
    for every f-divergence, f(1) = 0 and D(P||P) = 0; no gradient changes."""

    name = "gan"

    def f(self, u: torch.Tensor) -> torch.Tensor:
        return torch.xlogy(u, u) - (u + 1) * torch.log(u + 1) + LOG_4

    def f_star(self, t: torch.Tensor) -> torch.Tensor:
        return -torch.log(-torch.expm1(t)) - LOG_4

    def activation(self, v: torch.Tensor) -> torch.Tensor:
        return -F.softplus(-v)

    def conjugate_of_activation(self, v: torch.Tensor) -> torch.Tensor:
        return F.softplus(v) - LOG_4

    def ratio(self, t: torch.Tensor) -> torch.Tensor:
        return torch.exp(t) / -torch.expm1(t)


class TotalVariation(genbench.FDivergence):
    name = "total-variation"

    def f(self, u: torch.Tensor) -> torch.Tensor:
        return (u - 1).abs() / 2

    def f_star(self, t: torch.Tensor) -> torch.Tensor:
        return t

    def activation(self, v: torch.Tensor) -> torch.Tensor:
        return torch.tanh(v) / 2


class Bhattacharyya(genbench.FDivergence):
    name = "bhattacharyya"

    def f(self, u: torch.Tensor) -> torch.Tensor:
        return 1 - torch.sqrt(u)

    def f_star(self, t: torch.Tensor) -> torch.Tensor:
        return -1 - 1 / (4 * t)

    def activation(self, v: torch.Tensor) -> torch.Tensor:
        return -torch.exp(-v)

    def conjugate_of_activation(self, v: torch.Tensor) -> torch.Tensor:
        return torch.exp(v) / 4 - 1

    def ratio(self, t: torch.Tensor) -> torch.Tensor:
        return 1 / (4 * t**2)


class _LogLambertWExp(torch.autograd.Function):
    """l(a) = log W(e^a), the solution of l + e^l = a, from Newton steps in float64.

    Working with log W of an exponential keeps it finite where e^a would overflow. The
    derivative, from implicit differentiation, is 1 / (1 + e^l); it is written with the saved
    output so that second derivatives are right as well.
    """

    NEWTON_STEPS = 40

    @staticmethod
    def forward(ctx: torch.autograd.function.FunctionCtx, a: torch.Tensor) -> torch.Tensor:
        target = a.detach().double()
        log_w = torch.where(target > 1, torch.log(target.clamp_min(1)), target)
        for _ in range(_LogLambertWExp.NEWTON_STEPS):
            w = torch.exp(log_w)
            log_w = log_w - (log_w + w - target) / (1 + w)
        result = log_w.to(a.dtype)
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx: torch.autograd.function.FunctionCtx, grad: torch.Tensor) -> torch.Tensor:
        # torch's stubs give FunctionCtx no saved_tensors; the ctx autograd passes has them.
        (log_w,) = ctx.saved_tensors  # type: ignore[attr-defined]
        return grad / (1 + torch.exp(log_w))


class Jeffreys(genbench.FDivergence):
    """Symmetric KL: KL(P||Q) + KL(Q||P), f(u) = (u - 1) log u.

    f'(u) = log u + 1 - 1/u, so the maximiser of tu - f(u) is u* = 1 / W(e^(1-t)) (W the
    Lambert function), and f*(t) = W + 1/W + t - 2 with W = W(e^(1-t)); d f*/dt = u*.
    """

    name = "jeffreys"

    def f(self, u: torch.Tensor) -> torch.Tensor:
        return (u - 1) * torch.log(u)

    def f_star(self, t: torch.Tensor) -> torch.Tensor:
        log_w = _LogLambertWExp.apply(1 - t)
        return torch.exp(log_w) + torch.exp(-log_w) + t - 2

    def activation(self, v: torch.Tensor) -> torch.Tensor:
        return v

    def ratio(self, t: torch.Tensor) -> torch.Tensor:
        return torch.exp(-_LogLambertWExp.apply(1 - t))
