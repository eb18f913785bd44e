"""Class-conditional GANs: labels reach G and D in every call of every family, the class heads
and conditional batch norm compute what their papers say, AC-GAN's loss is the cross-entropy,
conditional metrics score against independent computations, and a conditional MNIST spec
trains end to end with its figure's rows one per class."""

from __future__ import annotations

import json

import pytest
import torch
import torch.nn.functional as F
from click.testing import CliRunner
from PIL import Image
from torch import nn

import genbench
from genbench.api.conditioning import LabelContext, class_frequencies
from genbench.cli import cli
from genbench.engine.loop import train
from genbench.spec.budget import Budget
from genbench_gan.conditioning import ConditionalCritic
from genbench_metrics.fid import frechet_distance
from genbench_networks.conditional import CategoricalBatchNorm2d, ClassHead
from tests.tiny_specs import entry, tiny_spec

CLASSES = 4
SHAPE = (3,)


def build(registry, model: str, shape=SHAPE, classes=CLASSES, **given) -> genbench.AdversarialModel:
    family = registry.get("model", model)
    params = genbench.resolve_params(family.params, {"conditional": True, **given}, "model")
    frequencies = torch.full((classes,), 1.0 / classes)
    context = genbench.BuildContext(params, shape, torch.device("cpu"), registry, None, frequencies)
    return family.build(context)


class LabelEcho(nn.Module):
    """A generator whose first output is the requested class, so every row carries it."""

    def __init__(self) -> None:
        super().__init__()
        self.scale = nn.Parameter(torch.ones(2))

    def forward(self, z: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        return torch.cat((labels.float()[:, None], z[:, :2] * self.scale), dim=1)


class LabelChecker(nn.Module):
    """A per-sample critic that fails unless each row's first coordinate is its label."""

    def __init__(self) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.full(SHAPE, 0.1))
        self.calls = 0

    def forward(self, x: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        assert torch.allclose(x[:, 0], labels.float()), "a row was judged under another label"
        self.calls += 1
        return (x * self.weight).sum(dim=1)


FAMILIES = {
    "gan with R1 and GP": ("gan", {"penalties": {"r1": 1.0, "gp": 1.0}}),
    "kl": ("fgan", {"divergence": "kl"}),
    "relativistic (real values in G's loss)": ("fgan", {"divergence": "relativistic-gan"}),
    "hinge": ("fgan", {"divergence": "hinge"}),
    "wgan-gp": ("wgan-gp", {}),
    "wgan": ("wgan", {}),
    "gmgan": ("gmgan", {}),
}


@pytest.mark.parametrize("joint", [True, False], ids=["joined batches", "apart"])
@pytest.mark.parametrize("case", list(FAMILIES))
def test_every_row_of_every_critic_call_carries_its_own_label(registry, case, joint):
    """Real rows have their label as first coordinate, generated rows are made so: any call
    (joined batches, interpolates, the relativistic real values) that pairs a row with
    another row's label fails the checker. (The engine's joint-critic probe, which scores
    noise, is told its answer.)"""
    name, given = FAMILIES[case]
    model = build(registry, name, batch_size=8, latent_dim=2, **given)
    model.generator, checker = LabelEcho(), LabelChecker()
    model.critic.critic = checker
    model.critic_is_per_sample = lambda real: joint
    labels = torch.randint(0, CLASSES, (64,))
    data = torch.cat((labels.float()[:, None], torch.randn(64, 2)), dim=1)
    outcome = train(model, data, Budget(steps=3), labels=labels)
    assert outcome.status == "ok" and checker.calls >= 6


def test_the_engine_refuses_a_conditional_model_without_labels(registry):
    model = build(registry, "gan", batch_size=8)
    with pytest.raises(ValueError, match="needs labels"):
        train(model, torch.randn(32, *SHAPE), Budget(steps=1))


def test_label_context_repeats_the_step_labels_for_joined_batches_only():
    context = LabelContext(3)
    context.set(torch.tensor([0, 2, 1]))
    memory = context.for_rows(3)
    assert context.for_rows(6).tolist() == [0, 2, 1, 0, 2, 1]
    context.set(torch.tensor([1, 1, 0]))
    assert context.for_rows(3) is memory and memory.tolist() == [1, 1, 0]  # written in place
    with pytest.raises(RuntimeError, match="not a multiple"):
        context.for_rows(4)
    assert class_frequencies(torch.tensor([0, 0, 2, 2]), 4).tolist() == [0.5, 0.0, 0.5, 0.0]


def test_projection_head_adds_the_class_embedding_dot_the_features():
    head = ClassHead(5, CLASSES, "projection")
    h, value = torch.randn(6, 5), torch.randn(6)
    labels = torch.tensor([0, 1, 2, 3, 0, 1])
    expected = value + (head.layer.weight[labels] * h).sum(dim=1)
    assert torch.allclose(head.combine(value, h, labels), expected)
    auxiliary = ClassHead(5, CLASSES, "auxiliary").combine(value, h, labels)
    assert auxiliary.shape == (6, 1 + CLASSES) and torch.equal(auxiliary[:, 0], value)


def test_categorical_batch_norm_applies_each_class_gain_and_bias():
    norm = CategoricalBatchNorm2d(2, CLASSES)
    with torch.no_grad():
        norm.gain.weight.copy_(torch.arange(8.0).view(4, 2))
        norm.bias.weight.fill_(0.5)
    x, labels = torch.randn(4, 2, 3, 3), torch.tensor([3, 2, 1, 0])
    plain = F.batch_norm(x, None, None, training=True, eps=norm.norm.eps)
    gains = torch.arange(8.0).view(4, 2)[labels][:, :, None, None]
    assert torch.allclose(norm(x, labels), plain * gains + 0.5, atol=1e-5)


def test_ac_gan_adds_the_mean_cross_entropy_of_the_objective_calls_only(registry):
    model = build(registry, "gan", batch_size=6, conditioning="auxiliary", penalties={"r1": 1.0})
    critic: ConditionalCritic = model.critic
    labels, real, fake = torch.tensor([0, 1, 2, 3, 0, 1]), torch.randn(6, 3), torch.randn(6, 3)
    model.condition(labels)
    torch.manual_seed(0)
    weighted = model.critic_loss(real, fake)
    model.ac_weight = 0.0
    torch.manual_seed(0)
    plain = model.critic_loss(real, fake)
    out = critic.critic(torch.cat((real, fake)), labels.repeat(2))
    entropy = F.cross_entropy(out[:, 1:], labels.repeat(2))
    assert torch.allclose(weighted - plain, entropy, atol=1e-6)
    model.joint_critic = not model.joint_critic  # two calls instead of one: the same mean
    model.ac_weight = 1.0
    torch.manual_seed(0)
    assert torch.allclose(model.critic_loss(real, fake), weighted, atol=1e-6)


def test_sngan_conditional_counts_add_class_norms_and_the_projection_embedding(registry):
    """The unconditional reference counts (4,276,739 and 1,053,825), with each of G's six
    block batch norms holding a gain and bias per class instead of one, and D an embedding of
    128 per class: SNGAN-projection's layout for CIFAR-10."""
    model = build(registry, "gan", (3, 32, 32), 10, network="sngan-resnet", batch_size=2)
    generator = sum(p.numel() for p in model.generator.parameters())
    critic = sum(p.numel() for p in model.critic.parameters())
    assert generator == 4_276_739 - 6 * 2 * 256 + 6 * 2 * 256 * 10
    assert critic == 1_053_825 + 10 * 128


def test_conditional_dcgan_adds_the_one_hot_to_z_and_a_projection_to_d(registry):
    """The unconditional counts of WGAN-GP's MNIST DCGAN (G 100-128x7x7-64-1, D 1-64-128-1)
    with G's first layer reading 10 more inputs and D an embedding of its 128 last-block
    channels per class."""
    plain = build(registry, "gan", (1, 28, 28), 10, network="dcgan", conditional=False)
    model = build(registry, "gan", (1, 28, 28), 10, network="dcgan")
    count = lambda module: sum(p.numel() for p in module.parameters())  # noqa: E731
    assert count(model.generator) == count(plain.generator) + 10 * 128 * 7 * 7
    assert count(model.critic) == count(plain.critic) + 10 * 128
    labels = torch.arange(4)
    model.condition(labels)
    fake = model.generate(4)
    assert fake.shape == (4, 1, 28, 28) and model.critic(fake).shape == (4,)


def test_intra_fid_is_the_mean_of_each_class_fid_and_sees_swapped_classes(registry):
    metric = registry.get("metric", "intra-fid")
    torch.manual_seed(0)
    labels = torch.arange(400) % 2
    real = torch.randn(400, 3) + 3 * labels[:, None]
    fake = torch.randn(400, 3) + 3 * labels[:, None]
    inputs = genbench.MetricInputs(
        real, fake, real, fake, None, real_labels=labels, fake_labels=labels
    )
    fits = [
        (
            genbench.feature_statistics(real[labels == c]),
            genbench.feature_statistics(fake[labels == c]),
        )
        for c in (0, 1)
    ]
    expected = sum(frechet_distance(*pair) for pair in fits) / 2
    assert metric.compute(inputs, {"min_samples": 10})["intra_fid"] == pytest.approx(expected)
    swapped = genbench.MetricInputs(
        real, fake, real, fake, None, real_labels=labels, fake_labels=1 - labels
    )
    assert metric.compute(swapped, {"min_samples": 10})["intra_fid"] > 20 * expected


def test_class_accuracy_is_the_classifier_agreement_with_the_requested_class(registry, tmp_path):
    """Real digits asked for as their own class score the classifier's accuracy; asked for as
    the next class, almost nothing."""
    dataset = registry.get("dataset", "mnist")
    params = genbench.resolve_params(dataset.params, {}, "dataset")
    data = dataset.load(genbench.DatasetRequest(params, torch.device("cpu"), tmp_path))
    metric = registry.get("metric", "class-accuracy")
    params = genbench.resolve_params(metric.params, {}, "metric")
    images, labels = data.test[:300], data.test_labels[:300]
    inputs = genbench.MetricInputs(
        images, images, images, images, data, real_labels=labels, fake_labels=labels
    )
    scores = metric.compute(inputs, params)
    assert scores["class_accuracy"] == scores["real_class_accuracy"] > 0.85
    wrong = genbench.MetricInputs(
        images, images, images, images, data, real_labels=labels, fake_labels=(labels + 1) % 10
    )
    assert metric.compute(wrong, params)["class_accuracy"] < 0.1


def test_conditional_metrics_are_refused_for_an_unconditional_entry(write_spec, tmp_path):
    spec = write_spec(
        tiny_spec(
            entry("cond", "gan", conditional=True),
            entry("plain", "gan"),
            evaluation={"metrics": ["fid", "intra-fid"], "features": "identity"},
        )
    )
    result = CliRunner().invoke(cli, ["run", str(spec), "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "'intra-fid' scores conditional samples, but entry 'plain' is not" in result.output


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"network": "pacgan-mlp"}, "network 'pacgan-mlp' has no class-conditional form"),
        ({"packing": 2}, "conditional = true with packing = 2"),
    ],
)
def test_a_conditional_entry_its_network_cannot_serve_stops_before_training(
    given, message, write_spec, tmp_path
):
    spec = write_spec(tiny_spec(entry("x", "gan", conditional=True, **given)))
    result = CliRunner().invoke(cli, ["run", str(spec), "--out", str(tmp_path)])
    assert result.exit_code == 2 and f"entry 'x': {message}" in result.output
    assert not (tmp_path / "tiny" / "runs").exists()


def test_conditional_mnist_trains_end_to_end_with_a_row_per_class(tmp_path, write_spec):
    spec = write_spec(
        tiny_spec(
            entry("proj", "gan", conditional=True, network="mnist-mlp-small"),
            entry("ac", "gan", conditional=True, conditioning="auxiliary"),
            benchmark={"dataset": "mnist", "budget": "10 steps"},
            dataset={"samples": None},
            evaluation={
                "samples": 400,
                "features": "lenet-mnist",
                "metrics": ["fid", "intra-fid", "class-accuracy"],
            },
        )
    )
    result = CliRunner().invoke(cli, ["run", str(spec), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "Class accuracy" in result.output and "Intra-FID" in result.output
    for run in ("proj", "ac"):
        folder = tmp_path / "tiny" / "runs" / run / "seed-0"
        record = json.loads((folder / "record.json").read_text())
        assert record["model"]["classes"] == 10
        assert 0 <= record["metrics"]["class_accuracy"] <= 1
        with Image.open(folder / "samples.png") as image:
            assert image.size == (2 + 8 * 30, 2 + 10 * 30)  # 8 columns, a row per digit
    loaded = genbench.load_generator(tmp_path / "tiny" / "runs" / "ac" / "seed-0")
    assert loaded.model.num_classes == 10 and loaded.sample(5).shape == (5, 1, 28, 28)


def test_the_listings_say_which_networks_and_metrics_are_conditional():
    for kind, yes, no in (("networks", "dcgan", "pacgan-mlp"), ("metrics", "intra-fid", "fid")):
        result = CliRunner().invoke(cli, ["list", kind, "--json"])
        assert result.exit_code == 0, result.output
        rows = {row["name"]: row for row in json.loads(result.output)}
        assert rows[yes]["conditional"] is True and rows[no]["conditional"] is False
