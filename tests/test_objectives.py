"""The objectives that are not f-divergences, each against an independent truth: hinge and
least squares at their optimal critics on two 1-D Gaussians (each expectation a deterministic
quadrature over N quantiles, each truth an integral by scipy's quad), the relativistic average
losses on values worked out by hand, and all five trained end to end through the fgan family."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.integrate
import scipy.stats
import torch

import genbench
from genbench.api.model import BuildContext
from genbench.api.params import resolve_params
from genbench_objectives.catalog import DIVERGENCES
from tests.tiny_specs import entry, tiny_spec

P = scipy.stats.norm(0.0, 1.0)  # the data
Q = scipy.stats.norm(1.0, 1.5)  # the generator
N = 200_000
PERTURBATIONS = (np.ones_like, np.sin, lambda x: np.tanh(x - 0.5), lambda x: np.exp(-(x**2)))
LIMIT = 20.0  # both densities are below 1e-40 beyond it


def quantiles(dist) -> np.ndarray:
    """x_i = F^-1((i + 1/2) / N): a mean over them is a quadrature of E[.] under `dist`."""
    return dist.ppf((np.arange(N) + 0.5) / N)


def critic_loss(divergence, critic) -> float:
    """The critic's loss with values critic(x) on the quantiles of P (real) and Q (fake)."""
    v_real = torch.from_numpy(critic(quantiles(P)))
    v_fake = torch.from_numpy(critic(quantiles(Q)))
    return divergence.discriminator_loss(v_real, v_fake).item()


def crossings() -> list[float]:
    """Where p = q: the real roots of log p(x) - log q(x), a quadratic in x."""
    (m1, s1), (m2, s2) = (P.mean(), P.std()), (Q.mean(), Q.std())
    quadratic = (1 / (2 * s2**2) - 1 / (2 * s1**2), m1 / s1**2 - m2 / s2**2,
                 m2**2 / (2 * s2**2) - m1**2 / (2 * s1**2) + math.log(s2 / s1))  # fmt: skip
    return sorted(r.real for r in np.roots(quadratic) if abs(r.imag) < 1e-12)


def integral(function) -> float:
    value, _ = scipy.integrate.quad(function, -LIMIT, LIMIT, points=crossings(), limit=200)
    return value


def assert_optimal(divergence, critic) -> float:
    """The critic's loss at `critic`, after checking that no smooth perturbation lowers it."""
    best = critic_loss(divergence, critic)
    for h in PERTURBATIONS:
        for sign in (1.0, -1.0):
            perturbed = critic_loss(divergence, lambda x, h=h, s=sign: critic(x) + s * 0.1 * h(x))
            assert perturbed > best
    return best


def test_the_catalog_registers_five_objectives_and_flags_the_relativistic_ones(registry):
    loaded = {d.name: registry.get("divergence", d.name) for d in DIVERGENCES}
    assert sorted(loaded) == [
        "hinge", "least-squares", "relativistic-gan", "relativistic-hinge",
        "relativistic-least-squares",
    ]  # fmt: skip
    for name, divergence in loaded.items():
        assert getattr(divergence, "relativistic", False) == name.startswith("relativistic")
        assert divergence.description == registry.describe("divergence", name).description


def test_hinge_critic_loss_at_the_sign_critic_is_two_minus_twice_total_variation(registry):
    hinge = registry.get("divergence", "hinge")
    total_variation = integral(lambda x: abs(P.pdf(x) - Q.pdf(x)) / 2)
    assert 0.2 < total_variation < 0.5  # the two Gaussians overlap, but not wholly
    best = assert_optimal(hinge, lambda x: np.sign(P.pdf(x) - Q.pdf(x)))
    assert best == pytest.approx(2 - 2 * total_variation, abs=1e-4)


def test_hinge_generator_loss_is_minus_the_mean_critic_value(registry):
    v_fake = torch.tensor([-1.0, 0.5, 3.0])
    loss = registry.get("divergence", "hinge").generator_loss(v_fake)
    assert loss.item() == pytest.approx(-2.5 / 3)


def least_squares(registry, a: float, b: float, c: float):
    return registry.get("divergence", "least-squares").configure({"a": a, "b": b, "c": c})


@pytest.mark.parametrize(("a", "b", "c"), [(0.0, 1.0, 1.0), (-1.0, 1.0, 0.0)])
def test_least_squares_optimal_critic_and_its_loss_match_the_closed_form(registry, a, b, c):
    divergence = least_squares(registry, a, b, c)
    best = assert_optimal(
        divergence, lambda x: (b * P.pdf(x) + a * Q.pdf(x)) / (P.pdf(x) + Q.pdf(x))
    )
    closed_form = integral(lambda x: P.pdf(x) * Q.pdf(x) * (b - a) ** 2 / (P.pdf(x) + Q.pdf(x)))
    assert best == pytest.approx(closed_form / 2, abs=1e-4)


def test_least_squares_generator_objective_is_half_mao_et_al_chi_squared(registry):
    # b - c = 1 and b - a = 2. Mao et al. (2017, eq. 8-9): with the data term,
    # 2 C(G) = int ((b - c)(p + q) - (b - a) q)^2 / (p + q) = int (p - q)^2 / (p + q), which
    # they write chi^2_Pearson(p + q || 2q): their chi^2(P || Q) divides by the first argument.
    divergence = least_squares(registry, -1.0, 1.0, 0.0)
    optimal = lambda x: (P.pdf(x) - Q.pdf(x)) / (P.pdf(x) + Q.pdf(x))  # noqa: E731
    v_data = torch.from_numpy(optimal(quantiles(P)))
    v_generated = torch.from_numpy(optimal(quantiles(Q)))
    objective = divergence.generator_loss(v_data) + divergence.generator_loss(v_generated)
    truth = integral(lambda x: (P.pdf(x) - Q.pdf(x)) ** 2 / (P.pdf(x) + Q.pdf(x))) / 2
    assert 0.05 < truth < 0.5
    assert objective.item() == pytest.approx(truth, abs=1e-4)


def test_least_squares_defaults_are_the_papers_zero_one_coding_and_a_equal_b_is_refused(
    registry,
):
    description = registry.describe("divergence", "least-squares")
    assert {p.name: p.default for p in description.params} == {"a": 0.0, "b": 1.0, "c": 1.0}
    with pytest.raises(genbench.UserError, match="a != b"):
        least_squares(registry, 1.0, 1.0, 0.0)


# Hand-worked case: v_real = [0.5, 2.0] (mean 1.25), v_fake = [0.0, 1.0] (mean 0.5), so
# r = v_real - mean(v_fake) = [0.0, 1.5] and f = v_fake - mean(v_real) = [-1.25, -0.25].
# The means differ, so swapping them (or centring each on its own mean) changes every value.
V_REAL = torch.tensor([0.5, 2.0], dtype=torch.float64)
V_FAKE = torch.tensor([0.0, 1.0], dtype=torch.float64)


def softplus(x: float) -> float:
    return math.log1p(math.exp(x))


HAND = {
    # D = (mean(softplus(-r)) + mean(softplus(f))) / 2
    #   = (softplus(0) + softplus(-1.5) + softplus(-1.25) + softplus(-0.25)) / 4
    # G = (mean(softplus(-f)) + mean(softplus(r))) / 2
    #   = (softplus(1.25) + softplus(0.25) + softplus(0) + softplus(1.5)) / 4
    "relativistic-gan": (
        (softplus(0.0) + softplus(-1.5) + softplus(-1.25) + softplus(-0.25)) / 4,
        (softplus(1.25) + softplus(0.25) + softplus(0.0) + softplus(1.5)) / 4,
    ),
    # D: (r - 1)^2 = [1, 0.25], mean 0.625; (f + 1)^2 = [0.0625, 0.5625], mean 0.3125;
    #    (0.625 + 0.3125) / 2 = 0.46875
    # G: (f - 1)^2 = [5.0625, 1.5625], mean 3.3125; (r + 1)^2 = [1, 6.25], mean 3.625;
    #    (3.3125 + 3.625) / 2 = 3.46875
    "relativistic-least-squares": (0.46875, 3.46875),
    # D: relu(1 - r) = [1, 0], mean 0.5; relu(1 + f) = [0, 0.75], mean 0.375;
    #    (0.5 + 0.375) / 2 = 0.4375
    # G: relu(1 - f) = [2.25, 1.25], mean 1.75; relu(1 + r) = [1, 2.5], mean 1.75;
    #    (1.75 + 1.75) / 2 = 1.75
    "relativistic-hinge": (0.4375, 1.75),
}


@pytest.mark.parametrize("name", sorted(HAND))
def test_relativistic_losses_match_the_hand_worked_values(registry, name):
    divergence = registry.get("divergence", name)
    expected_d, expected_g = HAND[name]
    assert divergence.discriminator_loss(V_REAL, V_FAKE).item() == pytest.approx(expected_d)
    assert divergence.generator_loss(V_FAKE, V_REAL).item() == pytest.approx(expected_g)


def test_relativistic_hinge_generator_sees_the_real_values_only_through_the_fake_mean(registry):
    divergence = registry.get("divergence", "relativistic-hinge")
    # G = (mean(relu(1 - f)) + mean(relu(1 + r))) / 2, and r depends on v_fake only through
    # its mean: for every v_fake of mean 0.5 the real term is (1 + 2.5) / 2 / 2 = 0.875.
    for values in ([0.0, 1.0], [0.5, 0.5], [-1.0, 2.0]):
        v_fake = torch.tensor(values, dtype=torch.float64)
        fake_term = torch.relu(1 - (v_fake - 1.25)).mean().item() / 2
        loss = divergence.generator_loss(v_fake, V_REAL).item()
        assert loss - fake_term == pytest.approx(0.875)
    # The gradient: -1/2 / 2 per sample from the fake term, and -1/2 / 2 from the real term
    # through mean(v_fake) (every real margin is active): -0.5 each.
    v_fake = V_FAKE.clone().requires_grad_(True)
    (gradient,) = torch.autograd.grad(divergence.generator_loss(v_fake, V_REAL), v_fake)
    torch.testing.assert_close(gradient, torch.tensor([-0.5, -0.5], dtype=torch.float64))


def test_fgan_gives_a_relativistic_generator_the_values_on_the_critics_last_real_batch(registry):
    family = registry.get("model", "fgan")
    params = resolve_params(family.params, {"divergence": "relativistic-hinge"}, "fgan")
    torch.manual_seed(0)
    model = family.build(BuildContext(params, (2,), torch.device("cpu"), registry))
    with pytest.raises(RuntimeError, match="critic step first"):
        model.generator_loss(torch.randn(8, 2))
    real, fake = torch.randn(8, 2), torch.randn(8, 2) + 1
    model.critic_loss(real, torch.randn(8, 2))
    loss = model.generator_loss(fake)
    # the values on the real batch are plain values: the loss's gradient is the fake values'
    expected = model.active.generator_loss(model.critic(fake), model.critic(real).detach())
    torch.testing.assert_close(loss, expected)
    weights = list(model.critic.parameters())
    got, want = torch.autograd.grad(loss, weights), torch.autograd.grad(expected, weights)
    for mine, theirs in zip(got, want, strict=True):
        torch.testing.assert_close(mine, theirs)


def test_every_objective_trains_end_to_end_through_fgan(tmp_path):
    entries = [entry(d.name, "fgan", divergence=d.name) for d in DIVERGENCES]
    entries.append(entry("LSGAN chi2", "fgan", divergence="least-squares",
                         divergence_params={"a": -1.0, "b": 1.0, "c": 0.0}))  # fmt: skip
    spec = tmp_path / "spec.toml"
    spec.write_text(tiny_spec(*entries, benchmark={"budget": "30 steps"}), encoding="utf-8")
    result = genbench.run(spec, out=tmp_path / "out", quiet=True)
    assert sorted(result.runs["status"]) == ["ok"] * len(entries)
