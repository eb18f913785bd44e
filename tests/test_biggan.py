"""`biggan` against the authors' code (ajbrock/BigGAN-PyTorch): parameter counts, the output
shapes of the contract, the projection discriminator, orthogonal regularisation's gradient,
spectral norm on every layer, and the shapes it refuses."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from genbench.api.network import NetworkPair, NetworkRequest
from genbench.api.params import resolve_params
from genbench.errors import UserError
from genbench_networks.biggan import build, orthogonal_regulariser
from genbench_networks.catalog import BIGGAN

# Parameter counts of the reference, ajbrock/BigGAN-PyTorch at commit
# 98459431a5d618d644d54cd1e9fceb1e5045648d (BigGAN.py, layers.py), from
#   Generator(G_ch=64, dim_z=128, bottom_width=4, resolution=R, G_attn=A, n_classes=K,
#             G_shared=True, shared_dim=128, hier=True, G_init='ortho', no_optim=True)
#   Discriminator(D_ch=64, D_wide=True, resolution=R, D_attn=A, n_classes=K, D_init='ortho')
# (its CIFAR script's widths, every other argument its default: spectral norm in both) and
# sum(p.numel() for p in m.parameters()). (R, A, K) -> (G, D):
REFERENCE = {
    (32, 0, 10): (4_373_251, 4_207_361),
    (32, 0, 1): (4_372_099, 4_205_057),  # K = 1: our unconditional pair
    (64, 0, 10): (31_786_755, 19_552_961),
    (64, 0, 1000): (31_913_475, 20_566_721),
    (64, 32, 10): (31_868_676, 19_558_082),
    (32, 16, 10): (4_455_172, 4_535_045),
}
ATTENTION_AT_256 = 2 * 256 * 32 + 2 * 256 * 128 + 1  # query, key, value, out convs; gamma


def make(
    shape: tuple[int, ...] = (3, 32, 32),
    classes: int = 10,
    conditioning: str = "projection",
    critic_shape: tuple[int, ...] | None = None,
    **given: object,
) -> NetworkPair:
    params = resolve_params(BIGGAN.params, given, "network 'biggan'")
    request = NetworkRequest(shape, critic_shape or shape, 128, params, classes, conditioning)
    return build(request)


def count(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


@pytest.mark.parametrize(("side", "attention", "classes"), sorted(REFERENCE))
def test_parameter_counts_are_the_references(side, attention, classes):
    # Counted without storage at 64x64, where the orthogonal init would take seconds.
    with torch.device("meta" if side == 64 else "cpu"):
        pair = make((3, side, side), 0 if classes == 1 else classes, attention=attention)
    generator, critic = REFERENCE[side, attention, classes]
    assert count(pair.generator) == generator
    if (side, attention) == (32, 16):
        # The reference labels all four of D's 32x32 blocks side 16 (their outputs are 16,
        # 8, 8, 8), so its D_attn '16' attends after each; ours after the one at side 16.
        critic -= 3 * ATTENTION_AT_256
    assert count(pair.critic) == critic


def test_shapes_of_the_conditional_and_unconditional_pairs():
    pair = make()
    z, labels = torch.randn(4, 128), torch.tensor([0, 3, 9, 3])
    images = pair.generator(z, labels)
    assert images.shape == (4, 3, 32, 32) and images.abs().max() <= 1
    assert pair.critic(images, labels).shape == (4,)
    auxiliary = make(conditioning="auxiliary", generator_width=8, critic_width=8)
    assert auxiliary.critic(images, labels).shape == (4, 11)
    alone = make(classes=0, generator_width=8, critic_width=8)
    assert alone.critic(alone.generator(z)).shape == (4,)
    packed = make(critic_shape=(6, 32, 32), generator_width=8, critic_width=8)
    assert packed.critic(torch.cat((images, images), dim=1), labels).shape == (4,)
    big = make((3, 64, 64), attention=32, generator_width=8, critic_width=8)
    assert big.critic(big.generator(z, labels), labels).shape == (4,)


def test_the_projection_adds_the_class_embedding_dotted_with_the_features():
    critic = make(generator_width=8, critic_width=8).critic.eval()  # eval: no power iteration
    x = torch.randn(2, 3, 32, 32).repeat(5, 1, 1, 1)
    labels = torch.arange(10)
    with torch.no_grad():
        values = critic(x, labels)
        h = torch.relu(critic.blocks(x)).sum(dim=(2, 3))
        linear = h @ critic.linear.weight.T + critic.linear.bias
        expected = linear.flatten() + (critic.head.layer.weight[labels] * h).sum(dim=1)
    torch.testing.assert_close(values, expected)
    assert len(set(values[::2].tolist())) == 5  # one image, five labels, five values


def test_orthogonal_regularisation_adds_the_references_gradient():
    weight = nn.Parameter(torch.randn(3, 2, 2))
    weight.grad = torch.randn(3, 2, 2)
    before = weight.grad.clone()
    orthogonal_regulariser([weight], 0.1)()
    w = weight.detach().flatten(1)
    off_diagonal = (w @ w.T) * (1 - torch.eye(3))
    torch.testing.assert_close(weight.grad - before, (0.2 * off_diagonal @ w).view(3, 2, 2))
    w = w.clone().requires_grad_()  # the same: the gradient of (beta / 2) |W W^T (1 - I)|^2
    (0.05 * (((w @ w.T) * (1 - torch.eye(3))) ** 2).sum()).backward()
    torch.testing.assert_close(weight.grad - before, w.grad.view(3, 2, 2))


def test_the_generator_step_regularises_every_weight_but_the_shared_embedding():
    assert make(ortho=0.0, generator_width=8, critic_width=8).before_generator_step is None
    pair = make(ortho=0.5, generator_width=8, critic_width=8)
    generator = pair.generator
    for p in generator.parameters():
        p.grad = torch.zeros_like(p)
    assert pair.before_generator_step is not None
    pair.before_generator_step()
    for name, p in generator.named_parameters():
        if p.dim() < 2 or name.startswith("shared"):
            assert not p.grad.any(), name
            continue
        w = p.detach().flatten(1)
        expected = 2 * 0.5 * ((w @ w.T) * (1 - torch.eye(len(w)))) @ w
        torch.testing.assert_close(p.grad, expected.view_as(p), msg=name)
    assert len(generator.ortho_weights()) == 1 + 3 * 7 + 1  # linear, 3 blocks, out


def test_every_layer_is_spectrally_normalised_but_gs_shared_embedding():
    pair = make(attention=16, generator_width=8, critic_width=8)
    for network in (pair.generator, pair.critic):
        layers = [m for m in network.modules() if isinstance(m, nn.Conv2d | nn.Linear)]
        assert layers and all(len(m.parametrizations.weight) == 1 for m in layers)
    assert nn.utils.parametrize.is_parametrized(pair.critic.head.layer, "weight")
    assert not nn.utils.parametrize.is_parametrized(pair.generator.shared)
    plain = make(spectral_norm=False, generator_width=8, critic_width=8)
    for network in (plain.generator, plain.critic):
        assert not any(nn.utils.parametrize.is_parametrized(m) for m in network.modules())


@pytest.mark.parametrize(
    ("shape", "given", "fragment"),
    [
        ((3, 28, 28), {}, "32x32 or 64x64"),
        ((3, 32, 16), {}, "32x32 or 64x64"),
        ((2,), {}, "32x32 or 64x64"),
        ((3, 32, 32), {"attention": 64}, "attention"),
    ],
)
def test_a_shape_it_cannot_make_is_refused_in_one_line(shape, given, fragment):
    with pytest.raises(UserError) as caught:
        make(shape, **given)
    assert fragment in str(caught.value) and "\n" not in str(caught.value)
