"""WGAN and WGAN-GP: the Wasserstein dual against a known W1, weight clipping, the authors'
critic schedule, the gradient penalty on points and images, and runs through the CLI."""

from __future__ import annotations

import json

import pytest
import torch
from click.testing import CliRunner
from torch import nn

from genbench.api.model import BuildContext
from genbench.api.params import resolve_params
from genbench.cli import cli
from genbench.engine.loop import train
from genbench.registry import current
from genbench.spec.budget import Budget
from genbench_gan.penalties import gradient_penalty
from tests.tiny_specs import entry, tiny_spec


def build(registry, name, shape=(2,), **given):
    family = registry.get("model", name)
    params = resolve_params(family.params, given, f"model {name!r}")
    torch.manual_seed(0)
    return family.build(BuildContext(params, shape, torch.device("cpu"), current()))


def test_losses_are_the_kantorovich_rubinstein_dual(registry):
    for name in ("wgan", "wgan-gp"):
        model = build(registry, name, penalty=0.0) if name == "wgan-gp" else build(registry, name)
        real, fake = torch.randn(64, 2), torch.randn(64, 2) + 1
        v_real, v_fake = model.critic(real), model.critic(fake)
        expected = (v_fake.mean() - v_real.mean()).item()
        assert model.critic_loss(real, fake).item() == pytest.approx(expected, rel=1e-5)
        assert model.generator_loss(fake).item() == pytest.approx(-v_fake.mean().item(), rel=1e-5)


def test_wgan_gp_critic_estimates_w1_between_shifted_gaussians(registry):
    """P = N(1, 0.5^2), Q = N(0, 0.5^2): W1 = 1. The soft penalty lets the slope exceed 1 a
    little where P and Q differ, so the estimate lies slightly above W1."""
    model = build(registry, "wgan-gp", shape=(1,))
    # A constant start: with a random one, the penalty alone may grow v ~ -x, a local optimum
    # the W-term (weight 1 against lambda = 10) cannot leave; the test is of the objective.
    nn.init.zeros_(model.critic.net[-1].weight)
    torch.manual_seed(1)
    for _ in range(400):
        real, fake = 0.5 * torch.randn(256, 1) + 1, 0.5 * torch.randn(256, 1)
        loss = model.critic_loss(real, fake)
        model.d_optimizer.zero_grad()
        loss.backward()
        model.d_optimizer.step()
    with torch.no_grad():
        real, fake = 0.5 * torch.randn(20_000, 1) + 1, 0.5 * torch.randn(20_000, 1)
        estimate = (model.critic(real).mean() - model.critic(fake).mean()).item()
    assert estimate == pytest.approx(1.0, rel=0.1)


@pytest.mark.parametrize("shape", [(2,), (1, 4, 4)])
def test_gradient_penalty_of_a_linear_critic_is_its_slope_deviation(shape):
    """v(x) = <w, x> has gradient w everywhere, so the penalty is (||w|| - 1)^2 exactly."""
    torch.manual_seed(0)
    w = torch.randn(*shape)
    real, fake = torch.randn(32, *shape), torch.randn(32, *shape)
    penalty = gradient_penalty(lambda x: (x * w).flatten(1).sum(1), real, fake)
    assert penalty.item() == pytest.approx((w.norm().item() - 1) ** 2, rel=1e-5)


def test_gradient_penalty_reaches_every_critic_weight_matrix(registry):
    model = build(registry, "wgan-gp", shape=(1, 4, 4))
    real, fake = torch.rand(8, 1, 4, 4), torch.rand(8, 1, 4, 4)
    gradient_penalty(model.critic, real, fake).backward()
    weights = [p for p in model.critic.parameters() if p.dim() == 2]
    assert len(weights) == 4
    assert all(p.grad is not None and p.grad.abs().sum() > 0 for p in weights)


def test_wgan_critic_weights_stay_clipped_after_critic_steps(registry):
    model = build(registry, "wgan", lr_d=1e-2)
    clip = torch.tensor(0.01)  # c = 0.01 in the parameters' float32
    assert all(bool(p.abs().max() <= clip) for p in model.critic.parameters())
    for parameter in model.critic.parameters():
        nn.init.uniform_(parameter, -1.0, 1.0)  # far outside, as an optimiser step could leave it
    train(model, torch.randn(200, 2), Budget(steps=2))
    weights = torch.cat([p.detach().flatten() for p in model.critic.parameters()])
    assert bool(weights.abs().max() <= clip)
    assert (weights.abs() == clip).float().mean() > 0.25  # the clipping did bind


def test_authors_schedule_runs_100_critic_steps_early_and_every_500th(registry):
    default = build(registry, "wgan")
    scheduled = build(registry, "wgan", authors_schedule=True)
    steps = [0, 1, 24, 25, 26, 499, 500, 501, 1000, 1500, 1501]
    assert [default.critic_steps(s) for s in steps] == [5] * len(steps)
    assert [scheduled.critic_steps(s) for s in steps] == [
        100,
        100,
        100,
        5,
        5,
        5,
        100,
        5,
        100,
        100,
        5,
    ]


def test_engine_performs_the_scheduled_critic_updates(registry):
    model = build(registry, "wgan", authors_schedule=True, batch_size=4)
    updates = []
    after = model.after_critic_step

    def counting() -> None:
        updates.append(1)
        after()

    model.after_critic_step = counting
    outcome = train(model, torch.randn(100, 2), Budget(steps=1))
    assert len(updates) == outcome.critic_steps == 100


SPEC = tiny_spec(
    entry("WGAN", "wgan"),
    entry("WGAN authors", "wgan", authors_schedule=True),
    entry("WGAN-GP", "wgan-gp"),
    benchmark={"name": "wgan", "budget": "3 steps"},
    dataset={"samples": 500},
)


def test_wgan_models_run_end_to_end_through_the_cli(write_spec, tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["run", str(write_spec(SPEC)), "--out", str(out)])
    assert result.exit_code == 0, result.output
    found = [json.loads(p.read_text()) for p in out.glob("wgan/runs/*/*/record.json")]
    by_entry = {r["entry"]: r for r in found}
    assert {e: r["status"] for e, r in by_entry.items()} == dict.fromkeys(
        ("WGAN", "WGAN authors", "WGAN-GP"), "ok"
    )
    assert by_entry["WGAN"]["train"]["critic_steps"] == 15
    assert by_entry["WGAN authors"]["train"]["critic_steps"] == 300
    model = {"name": "wgan-gp", "plugin": "genbench_wgan", "ema": None, "classes": None}
    assert without_counts(by_entry["WGAN-GP"]["model"]) == model


def test_list_models_shows_both_with_their_parameters():
    result = CliRunner().invoke(cli, ["list", "models", "--json"])
    assert result.exit_code == 0, result.output
    rows = {row["name"]: row for row in json.loads(result.output)}
    params = {name: {p["name"]: p["default"] for p in rows[name]["params"]} for name in rows}
    assert rows["wgan"]["plugin"] == rows["wgan-gp"]["plugin"] == "genbench_wgan"
    assert params["wgan"]["clip"] == 0.01 and params["wgan"]["authors_schedule"] is False
    assert (params["wgan"]["optimizer"], params["wgan"]["lr_g"], params["wgan"]["lr_d"]) == (
        "rmsprop",
        5e-5,
        5e-5,
    )
    assert params["wgan-gp"]["penalty"] == 10.0 and params["wgan-gp"]["betas"] == [0.0, 0.9]
    assert params["wgan-gp"]["lr_d"] == 1e-4 and params["wgan-gp"]["optimizer"] == "adam"
    assert params["wgan"]["n_critic"] == params["wgan-gp"]["n_critic"] == 5


def without_counts(model: dict) -> dict:
    """The record's model facts without the parameter counts (tests/test_runner.py checks
    them against a hand count)."""
    return {key: value for key, value in model.items() if not key.endswith("_parameters")}
