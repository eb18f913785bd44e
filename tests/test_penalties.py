"""The critic regularisers any GAN-style family adds (`penalties = { r1 = ..., r2 = ...,
dragan = ..., gp = ... }`) against analytic values: for a linear critic v = w.x + b, R1 and R2
are exactly gamma/2 ||w||^2 and DRAGAN and GP lambda (||w|| - 1)^2, packed or not; for
v = ||x||^2, R1 is 2 gamma E||x||^2. They join the family's objective in its critic loss, train
the critic only, and end to end every family trains with them."""

from __future__ import annotations

import pytest
import torch
from torch import nn

import genbench
from genbench.api import resolve_params
from genbench_gan.packing import PackedCritic
from genbench_gan.penalties import (
    CriticPenalties,
    dragan_penalty,
    gradient_penalty,
    zero_centred,
)
from tests.tiny_specs import entry, tiny_spec


class Linear(nn.Module):
    def __init__(self, features: int) -> None:
        super().__init__()
        self.layer = nn.Linear(features, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layer(x.flatten(1)).squeeze(1)


def value(tensor: torch.Tensor) -> float:
    return float(tensor.detach())


def linear_critic(features: int, packing: int) -> tuple[nn.Module, float]:
    torch.manual_seed(3)
    critic = Linear(features * packing)
    norm = float(critic.layer.weight.detach().norm())
    return (PackedCritic(critic, packing) if packing > 1 else critic), norm


@pytest.mark.parametrize("packing", [1, 2])
@pytest.mark.parametrize("shape", [(5,), (1, 3, 3)])
def test_on_a_linear_critic_each_penalty_is_its_closed_form(shape, packing):
    features = int(torch.tensor(shape).prod())
    critic, norm = linear_critic(features, packing)
    real, fake = torch.randn(8, *shape) * 3 + 1, torch.randn(8, *shape)
    assert value(zero_centred(critic, real, packing)) == pytest.approx(norm**2 / 2, rel=1e-5)
    assert value(zero_centred(critic, fake, packing)) == pytest.approx(norm**2 / 2, rel=1e-5)
    expected = (norm - 1) ** 2
    assert value(gradient_penalty(critic, real, fake, packing)) == pytest.approx(expected, rel=1e-5)
    assert value(dragan_penalty(critic, real, packing)) == pytest.approx(expected, rel=1e-5)
    weighted = CriticPenalties(r1=10.0, r2=2.0, dragan=3.0, gp=5.0, packing=packing)
    total = 10.0 * norm**2 / 2 + 2.0 * norm**2 / 2 + (3.0 + 5.0) * expected
    assert value(weighted(critic, real, fake)) == pytest.approx(total, rel=1e-5)


def test_r1_of_the_squared_norm_critic_is_twice_gamma_the_mean_squared_norm():
    def critic(x: torch.Tensor) -> torch.Tensor:
        return x.square().sum(dim=1)  # grad 2x, so E||grad||^2 / 2 = 2 E||x||^2

    x = torch.randn(64, 4, dtype=torch.float64)
    expected = 2 * float(x.square().sum(dim=1).mean())
    assert value(zero_centred(critic, x)) == pytest.approx(expected, rel=1e-12)


def test_dragan_interpolates_within_half_a_batch_std_above_the_real_samples(monkeypatch):
    seen: list[torch.Tensor] = []

    def critic(x: torch.Tensor) -> torch.Tensor:
        seen.append(x.detach().clone())
        return x.sum(dim=1)

    real = torch.randn(256, 3)
    dragan_penalty(critic, real)
    shift = seen[0] - real
    assert (shift >= 0).all() and (shift <= 0.5 * real.std() + 1e-6).all()
    assert float(shift.max()) > 0.4 * float(real.std())  # the whole range is used


def build(registry, model: str, **given: object) -> genbench.AdversarialModel:
    family = registry.get("model", model)
    params = resolve_params(family.params, given, f"model {model!r}")
    torch.manual_seed(0)
    return family.build(genbench.BuildContext(params, (2,), torch.device("cpu"), registry))


@pytest.mark.parametrize("model", ["gan", "fgan", "wgan", "wgan-gp", "gmgan"])
def test_the_penalties_join_each_familys_objective_and_train_the_critic_only(registry, model):
    plain = build(registry, model)
    assert plain.penalties is None
    penalised = build(registry, model, penalties={"r1": 4.0, "r2": 1.0})
    real, z = torch.randn(16, 2), torch.randn(16, penalised.prior.sample(1).shape[1])
    fake = penalised.generator(z)
    torch.manual_seed(5)  # WGAN-GP's own penalty draws its interpolates
    loss = penalised.critic_loss(real, fake)
    torch.manual_seed(5)
    expected = (
        penalised.objective_loss(real, fake)
        + 4.0 * zero_centred(penalised.critic, real)
        + 1.0 * zero_centred(penalised.critic, fake)
    )
    assert value(loss) == pytest.approx(value(expected), rel=1e-5)
    penalised.penalties(penalised.critic, real, fake).backward()
    assert all(p.grad is None for p in penalised.generator.parameters())
    assert any(p.grad is not None for p in penalised.critic.parameters())


def test_no_table_or_zero_weights_add_no_penalty():
    assert CriticPenalties.of({"penalties": None}) is None
    assert (
        CriticPenalties.of({"penalties": {"r1": 0.0, "r2": 0.0, "dragan": 0.0, "gp": 0.0}}) is None
    )
    assert CriticPenalties.of({"penalties": {"r1": 1.0}, "packing": 4}) == CriticPenalties(
        r1=1.0, packing=4
    )


def test_every_penalty_trains_end_to_end_and_is_recorded(tmp_path, write_spec):
    spec = tiny_spec(
        entry("GAN + R1", "gan", penalties={"r1": 10.0}),
        entry("Hinge + R1 + R2", "fgan", divergence="hinge", penalties={"r1": 1.0, "r2": 1.0}),
        entry("LSGAN + DRAGAN", "fgan", divergence="least-squares", penalties={"dragan": 10.0}),
        entry("PacGAN2 + GP", "gan", packing=2, penalties={"gp": 10.0}),
        benchmark={"budget": "10 steps"},
    )
    result = genbench.run(write_spec(spec), out=tmp_path / "out", quiet=True)
    assert set(result.runs["status"]) == {"ok"}
    record = genbench.load_generator(
        tmp_path / "out" / "tiny" / "runs" / "gan-r1" / "seed-0"
    ).record
    assert record.config["entry"]["params"]["penalties"] == {
        "r1": 10.0, "r2": 0.0, "dragan": 0.0, "gp": 0.0
    }  # fmt: skip
