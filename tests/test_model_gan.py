"""The vanilla GAN: losses against their textbook formulas, the log 4 optimum, networks."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from genbench.api.model import BuildContext
from genbench.api.params import resolve_params
from genbench.registry import current


def build_gan(registry, shape, **given):
    family = registry.get("model", "gan")
    params = resolve_params(family.params, given, "model 'gan'")
    torch.manual_seed(0)
    return family.build(BuildContext(params, shape, torch.device("cpu"), current()))


def mixture(n: int, offset: float = 0.0) -> torch.Tensor:
    centres = torch.tensor([[1.0, 0.0], [-1.0, 0.0], [0.0, 1.0]])
    return centres[torch.randint(0, 3, (n,))] + 0.1 * torch.randn(n, 2) + offset


def train_critic_only(model, fake_offset: float, steps: int = 600) -> float:
    """Train D with the generator replaced by a sampler of a fixed distribution."""
    torch.manual_seed(1)
    losses = []
    for _ in range(steps):
        loss = model.critic_loss(mixture(128), mixture(128, fake_offset))
        model.d_optimizer.zero_grad()
        loss.backward()
        model.d_optimizer.step()
        losses.append(loss.item())
    return sum(losses[-100:]) / 100


def test_discriminator_loss_approaches_log4_when_generator_equals_data(registry):
    model = build_gan(registry, (2,), lr_d=1e-3)
    nn.init.constant_(model.critic.net[-1].bias, 3.0)  # start far from the optimum D = 1/2
    start = model.critic_loss(mixture(1000), mixture(1000)).item()
    assert start > 2.5
    assert train_critic_only(model, fake_offset=0.0) == pytest.approx(math.log(4), abs=0.02)


def test_discriminator_loss_falls_below_log4_when_it_can_tell_them_apart(registry):
    model = build_gan(registry, (2,), lr_d=1e-3)
    assert train_critic_only(model, fake_offset=0.5) < math.log(4) - 0.3


@pytest.mark.parametrize(
    ("objective", "formula"),
    [
        ("minimax", lambda d: torch.log(1 - d).mean()),
        ("non-saturating", lambda d: -torch.log(d).mean()),
    ],
)
def test_generator_losses_match_their_formulas(registry, objective, formula):
    model = build_gan(registry, (2,), generator_loss=objective)
    fake = torch.randn(64, 2)
    d = torch.sigmoid(model.critic(fake))
    assert model.generator_loss(fake).item() == pytest.approx(formula(d).item(), rel=1e-5)


def test_critic_loss_matches_binary_cross_entropy(registry):
    model = build_gan(registry, (2,))
    real, fake = torch.randn(64, 2), torch.randn(64, 2) + 1
    d_real, d_fake = torch.sigmoid(model.critic(real)), torch.sigmoid(model.critic(fake))
    expected = -(torch.log(d_real).mean() + torch.log(1 - d_fake).mean())
    assert model.critic_loss(real, fake).item() == pytest.approx(expected.item(), rel=1e-5)


def test_default_mnist_networks_are_the_seeds(registry):
    model = build_gan(registry, (1, 28, 28))
    g = [
        (m.in_features, m.out_features)
        for m in model.generator.modules()
        if isinstance(m, nn.Linear)
    ]
    d = [
        (m.in_features, m.out_features) for m in model.critic.modules() if isinstance(m, nn.Linear)
    ]
    assert g == [(100, 256), (256, 512), (512, 1024), (1024, 784)]
    assert d == [(784, 1024), (1024, 512), (512, 256), (256, 1)]
    assert isinstance(list(model.generator.modules())[-1], nn.Tanh)
    assert model.generator(model.prior.sample(5)).shape == (5, 1, 28, 28)
    slopes = {m.negative_slope for m in model.modules() if isinstance(m, nn.LeakyReLU)}
    assert slopes == {0.2}
    assert model.batch_size == 64
    assert model.g_optimizer.defaults["lr"] == 2e-4
    assert model.g_optimizer.defaults["betas"] == (0.5, 0.999)


def test_checkpoint_round_trip_restores_samples(registry, tmp_path):
    model = build_gan(registry, (2,))
    path = tmp_path / "checkpoint.pt"
    torch.save(model.checkpoint(), path)
    other = build_gan(registry, (2,), latent_dim=None)
    for parameter in other.parameters():
        nn.init.zeros_(parameter)
    other.load_checkpoint(torch.load(path, weights_only=True))
    z = torch.randn(10, model.prior.latent_dim)
    assert torch.equal(model.generator(z), other.generator(z))
