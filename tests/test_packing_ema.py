"""Packing (PacGAN) and the generator's weight average (EMA), on every GAN-style family."""

from __future__ import annotations

import copy
import json

import pytest
import torch
from click.testing import CliRunner
from torch import nn

import genbench
from genbench.api.params import resolve_params
from genbench.cli import cli
from genbench.engine.loop import train
from genbench.spec.budget import Budget
from genbench_gan.ema import WeightAverage
from genbench_gan.penalties import gradient_penalty
from tests.tiny_specs import entry, tiny_spec

FAMILIES = {
    "gan": {},
    "fgan": {"divergence": "kl"},
    "wgan": {},
    "wgan-gp": {},
    "gmgan": {},
}


def build(registry, model: str, shape=(2,), **given: object) -> genbench.AdversarialModel:
    family = registry.get("model", model)
    params = resolve_params(family.params, given, f"model {model!r}")
    return family.build(genbench.BuildContext(params, shape, torch.device("cpu"), registry))


def record_inputs(module: nn.Module) -> list[torch.Tensor]:
    seen: list[torch.Tensor] = []
    module.register_forward_pre_hook(lambda _, args: seen.append(args[0].detach().clone()))
    return seen


@pytest.mark.parametrize("model", sorted(FAMILIES))
def test_packed_critic_judges_m_concatenated_samples(registry, model):
    packed = build(registry, model, packing=4, batch_size=16, **FAMILIES[model])
    inner = packed.critic.critic
    seen = record_inputs(inner)
    real = torch.randn(16, 2)
    fake = torch.randn(16, 2)
    packed.critic_loss(real, fake)
    by_shape = [t for t in seen if t.shape == (4, 8)]
    assert len(by_shape) >= 2 and all(t.shape == (4, 8) for t in seen)
    # Group i is samples 4i .. 4i+3 side by side, real and generated never mixed.
    expected_real = torch.stack([torch.cat(list(real[4 * i : 4 * i + 4])) for i in range(4)])
    assert any(torch.equal(t, expected_real) for t in seen)
    assert packed.critic(real).shape == (4,)


def test_packed_critic_of_images_stacks_channels(registry):
    model = build(registry, "gan", (1, 28, 28), network="dcgan", packing=3, batch_size=6)
    seen = record_inputs(model.critic.critic)
    x = torch.randn(6, 1, 28, 28)
    model.critic(x)
    assert seen[0].shape == (2, 3, 28, 28)
    assert torch.equal(seen[0][1, 2], x[5, 0])


def test_packing_one_leaves_the_critic_unwrapped(registry):
    model = build(registry, "gan")
    assert isinstance(model.critic, nn.Module) and not hasattr(model.critic, "packing")
    assert model.critic(torch.randn(5, 2)).shape == (5,)


def test_batch_size_must_be_a_multiple_of_packing(registry):
    with pytest.raises(genbench.UserError, match="batch_size 10 is not a multiple of packing 4"):
        build(registry, "gan", packing=4, batch_size=10)


def test_packed_gradient_penalty_takes_the_norm_over_each_packed_input():
    """For v(x_packed) = <w, x_packed> the gradient at any point is w, so the penalty is
    exactly (||w|| - 1)^2 over the packed input, whatever the interpolation."""
    w = torch.tensor([0.3, -0.4, 1.2, 0.5])  # over a pair of 2-D points

    def critic(x: torch.Tensor) -> torch.Tensor:
        return x.reshape(-1, 4) @ w

    real, fake = torch.randn(10, 2), torch.randn(10, 2)
    expected = (w.norm() - 1) ** 2
    assert gradient_penalty(critic, real, fake, packing=2).item() == pytest.approx(
        expected.item(), rel=1e-5
    )


@pytest.mark.parametrize("model", sorted(FAMILIES))
def test_every_family_trains_packed(registry, model):
    packed = build(registry, model, packing=2, batch_size=8, **FAMILIES[model])
    outcome = train(packed, torch.randn(64, 2), Budget(steps=3))
    assert outcome.status == "ok" and outcome.steps == 3


def test_weight_average_follows_its_recurrence():
    module = nn.Sequential(nn.Linear(1, 1, bias=False), nn.BatchNorm1d(1))
    average = WeightAverage(module, decay=0.9)
    weight = module[0].weight
    values = [2.0, -1.0, 4.0]
    expected = weight.item()
    for value in values:
        with torch.no_grad():
            weight.fill_(value)
            module[1].running_mean.fill_(value)
        average.update(module)
        expected = 0.9 * expected + 0.1 * value
    assert average.average[0].weight.item() == pytest.approx(expected, rel=1e-6)
    assert average.average[1].running_mean.item() == values[-1]  # buffers are copied


def test_engine_updates_the_average_once_per_generator_step(registry):
    model = build(registry, "gan", ema=0.75, batch_size=8)
    before = copy.deepcopy(list(model.generator.parameters()))
    train(model, torch.randn(64, 2), Budget(steps=1))
    for start, after, averaged in zip(
        before,
        model.generator.parameters(),
        model.generator_average.average.parameters(),
        strict=True,
    ):
        assert torch.allclose(averaged, 0.75 * start + 0.25 * after.detach(), atol=1e-6)
        assert not torch.equal(averaged, after)


def test_evaluation_samples_come_from_the_average(registry):
    model = build(registry, "gan", ema=0.5, batch_size=8)
    train(model, torch.randn(64, 2), Budget(steps=3))
    assert model.ema_decay == 0.5 and model.sampler is model.generator_average.average
    model.eval()
    torch.manual_seed(1)
    averaged = model.generator_average.average(model.prior.sample(20))
    torch.manual_seed(1)
    raw = model.generator(model.prior.sample(20))
    torch.manual_seed(1)
    sampled = model.sample(20)
    assert torch.equal(sampled, averaged) and not torch.allclose(sampled, raw)


def test_ema_off_samples_from_the_generator(registry):
    model = build(registry, "gan")
    assert model.ema_decay is None and model.sampler is model.generator


def test_ema_must_be_below_one_before_anything_is_built(registry):
    with pytest.raises(genbench.UserError, match=r"ema: must be below 1\.0, got 1\.0"):
        build(registry, "gan", ema=1.0)


SPEC = tiny_spec(
    entry("averaged", "gan", batch_size=8, ema=0.9),
    benchmark={"name": "ema", "budget": "3 steps"},
    dataset={"samples": 256, "test_samples": 64},
    evaluation={"samples": 64},
)


def test_record_and_checkpoint_keep_the_average(registry, write_spec, tmp_path):
    result = CliRunner().invoke(cli, ["run", str(write_spec(SPEC)), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    (record_path,) = tmp_path.rglob("record.json")
    assert json.loads(record_path.read_text())["model"]["ema"] == 0.9
    state = torch.load(record_path.parent / "checkpoint.pt", weights_only=True)["model"]
    averaged = {k for k in state if k.startswith("generator_average.average.")}
    raw = {
        k.replace("generator.", "generator_average.average.", 1)
        for k in state
        if k.startswith("generator.")
    }
    assert averaged == raw and averaged
    key = sorted(averaged)[0]
    assert not torch.equal(
        state[key], state[key.replace("generator_average.average.", "generator.")]
    )
