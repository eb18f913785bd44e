"""One critic pass over the real and the generated batch, where that gives the same values."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from genbench.api.model import BuildContext
from genbench.api.params import resolve_params
from genbench.engine.loop import train
from genbench.registry import current
from genbench.spec.budget import Budget

DATA = torch.rand(400, 2) * 2 - 1


def build_gan(registry, **given):
    family = registry.get("model", "gan")
    params = resolve_params(family.params, given, "model 'gan'")
    torch.manual_seed(0)
    return family.build(BuildContext(params, (2,), torch.device("cpu"), current()))


def critic_with(layer: nn.Module) -> nn.Module:
    return nn.Sequential(nn.Linear(2, 16), layer, nn.LeakyReLU(0.2), nn.Linear(16, 1))


def values_apart_and_joint(model, real, fake):
    model.joint_critic = False
    apart = model.critic_values(real, fake)
    model.joint_critic = True
    joint = model.critic_values(real, fake)
    return apart, joint


@pytest.mark.parametrize("packing", [1, 4])
def test_a_per_sample_critic_gives_the_same_values_and_gradients_in_one_pass(registry, packing):
    model = build_gan(registry, packing=packing, batch_size=16)
    real, fake = DATA[:16], DATA[16:32] * 3
    assert model.critic_is_per_sample(real)
    apart, joint = values_apart_and_joint(model, real, fake)
    assert joint[0].shape == apart[0].shape == (16 // packing,)
    for a, j in zip(apart, joint, strict=True):
        torch.testing.assert_close(j, a)
    gradients = []
    for joint_critic in (False, True):
        model.joint_critic = joint_critic
        model.critic.zero_grad()
        model.critic_loss(real, fake).backward()
        gradients.append([p.grad.clone() for p in model.critic.parameters()])
    for a, j in zip(*gradients, strict=True):
        torch.testing.assert_close(j, a)


@pytest.mark.parametrize(
    "layer", [nn.BatchNorm1d(16), nn.Dropout(0.5)], ids=["batch-norm", "dropout"]
)
def test_a_critic_whose_values_depend_on_the_batch_or_on_chance_keeps_two_passes(registry, layer):
    model = build_gan(registry, batch_size=16)
    model.critic = critic_with(layer)
    state = {k: v.clone() for k, v in model.critic.state_dict().items()}
    rng = torch.get_rng_state()
    assert not model.critic_is_per_sample(DATA[:16])
    assert torch.equal(torch.get_rng_state(), rng)
    for key, value in model.critic.state_dict().items():
        assert torch.equal(value, state[key]), f"{key} moved during the check"


def test_the_engine_scores_in_one_pass_only_when_the_check_allows_and_records_it(registry):
    per_sample = build_gan(registry, batch_size=16)
    assert train(per_sample, DATA, Budget(steps=3)).joint_critic
    normalised = build_gan(registry, batch_size=16)
    normalised.critic = critic_with(nn.BatchNorm1d(16))
    normalised.d_optimizer = torch.optim.Adam(normalised.critic.parameters())
    passes = []

    def count(module, args, out):
        if module is normalised.critic:  # not the check's copies, which carry the hook too
            passes.append(len(out))

    normalised.critic.register_forward_hook(count)
    outcome = train(normalised, DATA, Budget(steps=3))
    assert not outcome.joint_critic
    assert passes == [16] * 9  # per step: real and fake apart, then the generator's fake


def test_a_critic_that_cannot_be_copied_keeps_two_passes(registry):
    class Uncopyable(nn.Linear):
        def __deepcopy__(self, memo):
            raise TypeError("holds a handle")

    model = build_gan(registry, batch_size=16)
    model.critic = nn.Sequential(Uncopyable(2, 1))
    assert not model.critic_is_per_sample(DATA[:16])


def test_data_smaller_than_a_batch_still_trains_a_packing_critic(registry):
    model = build_gan(registry, packing=4, batch_size=16)
    outcome = train(model, DATA[:6], Budget(steps=3))
    assert outcome.status == "ok" and outcome.joint_critic
