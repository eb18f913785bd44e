"""Network families: each built-in against its published architecture (layer sizes and
parameter counts worked out by hand from the papers and the authors' code), lazy
registration, validation in specs, and every network trained end to end on a tiny budget."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import torch
from click.testing import CliRunner
from torch import nn

import genbench
from genbench.api.params import resolve_params
from genbench.cli import cli
from genbench.errors import SpecError, UserError
from genbench.registry import activate
from genbench.spec.load import load_spec
from genbench_networks.pacgan import Maxout
from tests.fake_distributions import install_fake_distribution
from tests.tiny_specs import entry, tiny_spec


def build(
    registry, model: str, shape: tuple[int, ...], **given: object
) -> genbench.AdversarialModel:
    family = registry.get("model", model)
    params = resolve_params(family.params, given, f"model {model!r}")
    return family.build(genbench.BuildContext(params, shape, torch.device("cpu"), registry))


def count(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def layers(module: nn.Module, kind: type) -> list[nn.Module]:
    return [m for m in module.modules() if isinstance(m, kind)]


def conv(c_in: int, c_out: int, k: int, bias: bool) -> int:
    return c_in * c_out * k * k + (c_out if bias else 0)


def test_dcgan_for_mnist_has_the_published_layout(registry):
    """Radford et al.: project z, then strided transposed convolutions with batch norm and
    ReLU (tanh out); D mirrors it with LeakyReLU 0.2, no batch norm on its input."""
    model = build(registry, "gan", (1, 28, 28), network="dcgan", batch_size=8)
    g, d = model.generator, model.critic
    # G: z 100 -> 7x7x128 -> 14x14x64 -> 28x28x1; D: 28x28x1 -> 14x14x64 -> 7x7x128 -> 1.
    g_expected = conv(100, 128, 7, False) + 2 * 128 + conv(128, 64, 4, False) + 2 * 64
    g_expected += conv(64, 1, 4, True)
    d_expected = conv(1, 64, 4, True) + conv(64, 128, 4, False) + 2 * 128 + conv(128, 1, 7, True)
    assert count(g) == g_expected == 759_681
    assert count(d) == d_expected == 138_689
    assert [m.num_features for m in layers(g, nn.BatchNorm2d)] == [128, 64]
    assert [m.num_features for m in layers(d, nn.BatchNorm2d)] == [128]
    assert {m.negative_slope for m in layers(d, nn.LeakyReLU)} == {0.2}
    assert len(layers(g, nn.ReLU)) == 2 and isinstance(list(g.modules())[-1], nn.Tanh)
    samples = model.generate(8)
    assert samples.shape == (8, 1, 28, 28)
    assert samples.abs().max() <= 1
    assert model.critic(samples).shape == (8,)


def test_dcgan_for_cifar_starts_from_4x4x256(registry):
    model = build(registry, "gan", (3, 32, 32), network="dcgan", batch_size=4)
    g_expected = conv(100, 256, 4, False) + 2 * 256 + conv(256, 128, 4, False) + 2 * 128
    g_expected += conv(128, 64, 4, False) + 2 * 64 + conv(64, 3, 4, True)
    d_expected = conv(3, 64, 4, True) + conv(64, 128, 4, False) + 2 * 128
    d_expected += conv(128, 256, 4, False) + 2 * 256 + conv(256, 1, 4, True)
    assert count(model.generator) == g_expected
    assert count(model.critic) == d_expected
    assert model.generate(4).shape == (4, 3, 32, 32)


def test_dcgan_weights_are_drawn_from_n_0_002(registry):
    model = build(registry, "gan", (3, 32, 32), network="dcgan", batch_size=4)
    big = max(layers(model.generator, nn.ConvTranspose2d), key=lambda m: m.weight.numel())
    assert big.weight.std().item() == pytest.approx(0.02, rel=0.05)
    assert big.weight.mean().abs().item() < 0.001
    gains = torch.cat([m.weight for m in layers(model.generator, nn.BatchNorm2d)])
    assert gains.mean().item() == pytest.approx(1.0, abs=0.01)


@pytest.mark.parametrize(("norm", "kind"), [("layer", nn.GroupNorm), ("none", None)])
def test_dcgan_critic_normalisation_is_an_option(registry, norm, kind):
    model = build(
        registry, "gan", (1, 28, 28), network="dcgan", network_params={"critic_norm": norm}
    )
    assert not layers(model.critic, nn.BatchNorm2d)
    if kind is not None:
        assert len(layers(model.critic, kind)) == 1


@pytest.mark.parametrize(
    ("shape", "fragment"), [((2,), "square images"), ((1, 30, 30), "not side 30")]
)
def test_dcgan_refuses_shapes_it_cannot_make_in_one_line(registry, shape, fragment):
    with pytest.raises(UserError, match=fragment) as caught:
        build(registry, "gan", shape, network="dcgan")
    assert "\n" not in str(caught.value)


def test_pacgan_mlp_matches_the_authors_code(registry):
    """fjxmlzn/PacGAN, synthetic experiments: G 2 -> 4 x (400, no bias, batch norm, ReLU) ->
    2 with bias; D 3 maxout layers (200 units x 5 pieces) -> 1; latent 2."""
    model = build(registry, "gan", (2,), network="pacgan-mlp", batch_size=10)
    g_expected = 2 * 400 + 3 * 400 * 400 + (400 * 2 + 2) + 4 * 2 * 400
    d_expected = (2 * 1000 + 1000) + 2 * (200 * 1000 + 1000) + (200 + 1)
    assert count(model.generator) == g_expected == 484_802
    assert count(model.critic) == d_expected == 405_201
    assert model.prior.latent_dim == 2
    norms = layers(model.generator, nn.BatchNorm1d)
    assert len(norms) == 4 and {m.momentum for m in norms} == {0.05}
    assert [m.pieces for m in layers(model.critic, Maxout)] == [5, 5, 5]
    assert not layers(model.generator, nn.Tanh)  # points keep their native coordinates


def test_maxout_is_the_maximum_over_each_units_pieces():
    unit = Maxout(3, units=2, pieces=4)
    x = torch.randn(5, 3)
    linear = x @ unit.linear.weight.T + unit.linear.bias
    expected = torch.stack([linear[:, :4].max(1).values, linear[:, 4:].max(1).values], 1)
    assert torch.allclose(unit(x), expected)


def test_mlp_widths_are_parameters(registry):
    model = build(
        registry,
        "gan",
        (2,),
        network="toy-mlp",
        network_params={"generator_widths": [16, 8], "critic_widths": [4]},
    )
    widths = [m.out_features for m in layers(model.generator, nn.Linear)]
    assert widths == [16, 8, 2]
    assert [m.out_features for m in layers(model.critic, nn.Linear)] == [4, 1]
    with pytest.raises(UserError, match="positive integers"):
        build(registry, "gan", (2,), network="toy-mlp", network_params={"critic_widths": [0]})


def test_mnist_mlp_small_is_the_narrow_pair_with_batch_norm_in_g(registry):
    model = build(registry, "gan", (1, 28, 28), network="mnist-mlp-small")
    assert [m.out_features for m in layers(model.generator, nn.Linear)] == [256, 512, 784]
    assert [m.out_features for m in layers(model.critic, nn.Linear)] == [512, 256, 1]
    norms = layers(model.generator, nn.BatchNorm1d)
    assert [m.num_features for m in norms] == [256, 512]
    linear = 100 * 256 + 256 + 256 * 512 + 512 + 512 * 784 + 784
    assert count(model.generator) == linear + 2 * (256 + 512)
    assert count(model.critic) == 784 * 512 + 512 + 512 * 256 + 256 + 256 + 1
    assert not layers(model.critic, nn.BatchNorm1d)


def test_spectral_norm_bounds_every_critic_layer_by_one(registry):
    model = build(registry, "gan", (1, 28, 28), network="dcgan", spectral_norm=True)
    x = torch.randn(16, 1, 28, 28)
    for _ in range(30):  # power iterations run in training mode
        model.critic(x)
    convs = layers(model.critic, nn.Conv2d)
    assert len(convs) == 3
    for layer in convs:
        sigma = torch.linalg.matrix_norm(layer.weight.detach().flatten(1), ord=2).item()
        assert sigma == pytest.approx(1.0, abs=0.05)


def test_registering_networks_imports_no_builder():
    code = (
        "import sys, genbench.registry as r; reg = r.Registry.load(autoload=False); "
        "print(reg.names('network')); "
        "print([m for m in ('genbench_networks.mlp', 'genbench_networks.dcgan', "
        "'genbench_networks.pacgan', 'genbench_networks.sngan', 'genbench_networks.biggan') "
        "if m in sys.modules])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    networks = (
        "['biggan', 'dcgan', 'mnist-mlp', 'mnist-mlp-small', 'pacgan-mlp', 'sngan-resnet', "
        "'toy-mlp']"
    )
    assert out == [networks, "[]"]


def test_list_networks_shows_parameters():
    result = CliRunner().invoke(cli, ["list", "networks", "--json"])
    assert result.exit_code == 0, result.output
    rows = {row["name"]: row for row in json.loads(result.output)}
    assert set(rows) >= {"dcgan", "pacgan-mlp", "mnist-mlp", "mnist-mlp-small", "toy-mlp"}
    assert {p["name"] for p in rows["pacgan-mlp"]["params"]} >= {"width", "pieces"}
    assert rows["dcgan"]["plugin"] == "genbench_networks"


SPEC = tiny_spec(
    entry("a", "gan"),
    benchmark={"name": "nets", "budget": "2 steps", "seeds": None},
    dataset={"samples": None},
    evaluation={"samples": 100},
)


@pytest.mark.parametrize(
    ("extra", "key", "fragment"),
    [
        ('network = "dcgn"', "entry[0].network", "dcgan"),
        (
            'network = "dcgan"\nnetwork_params = { widht = 3 }',
            "entry[0].network_params.widht",
            "width",
        ),
    ],
)
def test_spec_rejects_unknown_networks_and_their_parameters(
    registry, write_spec, extra, key, fragment
):
    with pytest.raises(SpecError) as caught:
        load_spec(write_spec(SPEC + extra + "\n"), registry)
    assert key in str(caught.value) and fragment in str(caught.value)


IMAGE_SPEC = """
[benchmark]
name = "every-network"
dataset = "{dataset}"
budget = "2 steps"
seeds = [0]
device = "cpu"

[dataset]
{dataset_params}

[evaluation]
samples = 64
batch_size = 32
metrics = ["precision-recall"]
"""

ENTRIES = {
    "mnist": [
        ("mnist-mlp", 'model = "gan"\nnetwork = "mnist-mlp"\nbatch_size = 8'),
        ("mnist-mlp-small", 'model = "gmgan"\nnetwork = "mnist-mlp-small"\nbatch_size = 8'),
        ("dcgan", 'model = "gan"\nnetwork = "dcgan"\nbatch_size = 8'),
        (
            "dcgan-wgan-gp-packed",
            'model = "wgan-gp"\nnetwork = "dcgan"\nnetwork_params = { critic_norm = "layer" }\n'
            "batch_size = 8\npacking = 2\nn_critic = 1",
        ),
        (
            "dcgan-sn-ema",
            'model = "fgan"\ndivergence = "kl"\nnetwork = "dcgan"\nspectral_norm = true\n'
            "ema = 0.9\nbatch_size = 8",
        ),
    ],
    "ring-8": [
        ("toy-mlp", 'model = "gan"\nnetwork = "toy-mlp"\nbatch_size = 8'),
        ("pacgan-mlp", 'model = "wgan"\nnetwork = "pacgan-mlp"\nbatch_size = 8\npacking = 4'),
    ],
}


@pytest.mark.parametrize("dataset", sorted(ENTRIES))
def test_every_network_trains_end_to_end(registry, write_spec, tmp_path, dataset):
    params = "limit = 256" if dataset == "mnist" else "samples = 512\ntest_samples = 64"
    text = IMAGE_SPEC.format(dataset=dataset, dataset_params=params)
    for name, body in ENTRIES[dataset]:
        text += f'\n[[entry]]\nname = "{name}"\n{body}\n'
    spec = write_spec(text)
    result = CliRunner().invoke(cli, ["run", str(spec), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    records = [json.loads(p.read_text()) for p in tmp_path.rglob("record.json")]
    assert sorted(r["entry"] for r in records) == sorted(n for n, _ in ENTRIES[dataset])
    assert {r["status"] for r in records} == {"ok"}


THIRD_PARTY_NETWORK = """
import torch
from torch import nn

import genbench
from genbench.api.lazy import lazy


class Linear(nn.Module):
    def __init__(self, fan_in, fan_out, squeeze):
        super().__init__()
        self.layer = nn.Linear(fan_in, fan_out)
        self.squeeze = squeeze

    def forward(self, x):
        out = self.layer(x.flatten(1))
        return out.squeeze(1) if self.squeeze else out


def build(request):
    BUILT.append(request)
    width = request.params["scale"]
    generator = Linear(request.latent_dim, request.sample_shape[0], squeeze=False)
    critic = Linear(request.critic_shape[0], 1, squeeze=True)
    with torch.no_grad():
        generator.layer.weight.mul_(width)
    return genbench.NetworkPair(generator, critic)


BUILT = []


@genbench.hookimpl
def genbench_register_networks(register):
    register(genbench.Network(
        "fake-linear", "One linear layer each.", lazy("genbench_fake_net:build"),
        (genbench.Param("scale", 1.0, "scales G's weights"),), latent_dim=3,
    ))
"""

THIRD_PARTY_SPEC = tiny_spec(
    entry(
        "linear",
        "wgan-gp",
        network="fake-linear",
        network_params={"scale": 2.0},
        packing=2,
        batch_size=8,
    ),
    benchmark={"name": "third-net", "budget": "3 steps"},
    dataset={"samples": 256, "test_samples": 64},
    evaluation={"samples": 64},
)


def test_third_party_network_works_like_a_built_in(site, tmp_path, write_spec):
    install_fake_distribution(
        site,
        "genbench-fake-net",
        "0.1",
        {"fake_net": "genbench_fake_net"},
        {"genbench_fake_net": THIRD_PARTY_NETWORK},
    )
    try:
        listed = CliRunner().invoke(cli, ["list", "networks", "--json"])
        rows = {row["name"]: row for row in json.loads(listed.output)}
        assert rows["fake-linear"]["plugin"] == "fake_net"
        assert rows["fake-linear"]["params"][0]["name"] == "scale"
        spec = write_spec(THIRD_PARTY_SPEC)
        result = CliRunner().invoke(cli, ["run", str(spec), "--out", str(tmp_path / "out")])
        assert result.exit_code == 0, result.output
        (record,) = [json.loads(p.read_text()) for p in tmp_path.rglob("record.json")]
        assert record["status"] == "ok"
        request = sys.modules["genbench_fake_net"].BUILT[0]
        assert request.params == {"scale": 2.0} and request.latent_dim == 3
        assert request.critic_shape == (4,)  # two packed 2-D points
    finally:
        activate(None)


# sngan-resnet against the reference layouts: parameter counts of the authors' CIFAR-10
# networks (pfnet-research/sngan_projection, as mimicry ports them), the STL-10 layout counted
# by hand, spectral norm on every layer of D, shapes.


def _bn(channels: int) -> int:
    return 2 * channels


def _generator_block(c_in: int, c_out: int) -> int:
    return (
        _bn(c_in)
        + conv(c_in, c_out, 3, True)
        + _bn(c_out)
        + conv(c_out, c_out, 3, True)
        + conv(c_in, c_out, 1, True)
    )


def _critic_block(c_in: int, c_out: int, skip: bool, first: bool = False) -> int:
    hidden = c_out if first else c_in
    total = conv(c_in, hidden, 3, True) + conv(hidden, c_out, 3, True)
    return total + (conv(c_in, c_out, 1, True) if skip else 0)


def test_the_cifar10_layout_has_the_reference_parameter_counts(registry):
    model = build(registry, "gan", (3, 32, 32), network="sngan-resnet", batch_size=4)
    assert count(model.generator) == 4_276_739
    assert count(model.critic) == 1_053_825
    samples = model.generate(4)
    assert samples.shape == (4, 3, 32, 32) and samples.abs().max() <= 1
    assert model.critic(samples).shape == (4,)


def test_the_stl10_layout_is_the_papers_counted_by_hand(registry):
    params = {"generator_width": 512, "critic_width": 1024}
    model = build(
        registry, "gan", (3, 48, 48), network="sngan-resnet", network_params=params, batch_size=2
    )
    g = conv(128, 36 * 512, 1, True) + sum(
        _generator_block(512 >> i, 512 >> (i + 1)) for i in range(3)
    )
    g += _bn(64) + conv(64, 3, 3, True)
    d = _critic_block(3, 64, True, first=True) + _critic_block(64, 128, True)
    d += _critic_block(128, 256, True) + _critic_block(256, 512, True)
    d += _critic_block(512, 1024, True) + 1024 + 1  # the channels change: a 1x1 skip
    assert count(model.generator) == g
    assert count(model.critic) == d
    assert model.critic(model.generate(2)).shape == (2,)


def test_every_layer_of_d_is_spectrally_normalised_once(registry):
    model = build(
        registry, "gan", (3, 32, 32), network="sngan-resnet", spectral_norm=True, batch_size=4
    )
    normalised = [
        m
        for m in layers(model.critic, nn.Conv2d | nn.Linear)
        if nn.utils.parametrize.is_parametrized(m, "weight")
    ]
    assert len(normalised) == len(layers(model.critic, nn.Conv2d | nn.Linear)) == 11
    assert all(len(m.parametrizations.weight) == 1 for m in normalised)
    x = torch.randn(8, 3, 32, 32)
    for _ in range(30):  # power iterations run in training mode
        model.critic(x)
    for layer in normalised:
        sigma = torch.linalg.matrix_norm(layer.weight.detach().flatten(1), ord=2).item()
        assert sigma == pytest.approx(1.0, abs=0.05)


def test_other_sizes_are_refused_on_one_line(registry):
    with pytest.raises(UserError, match="32x32 or 48x48"):
        build(registry, "gan", (1, 28, 28), network="sngan-resnet")
