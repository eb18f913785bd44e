"""The f-GAN model: losses come from the chosen divergence, the stabilisers do what they
say, and every divergence of the table trains end to end through the CLI."""

from __future__ import annotations

import pytest
import torch
from click.testing import CliRunner

import genbench
from genbench.api.model import BuildContext
from genbench.api.params import resolve_params
from genbench.cli import cli
from genbench.registry import current
from genbench_fgan.catalog import DIVERGENCES


def build_fgan(registry, **given):
    family = registry.get("model", "fgan")
    params = resolve_params(family.params, given, "model 'fgan'")
    torch.manual_seed(0)
    return family.build(BuildContext(params, (2,), torch.device("cpu"), current()))


def points(n: int, offset: float = 0.0) -> torch.Tensor:
    return torch.randn(n, 2) + offset


def test_losses_are_the_divergences_dual_and_non_saturating_form(registry):
    model = build_fgan(registry, divergence="kl")
    real, fake = points(64), points(64, 1.0)
    v_real, v_fake = model.critic(real), model.critic(fake)
    expected_critic = -(v_real.mean() - torch.exp(v_fake - 1).mean())
    torch.testing.assert_close(model.critic_loss(real, fake), expected_critic)
    torch.testing.assert_close(model.generator_loss(fake), -v_fake.mean())


def test_saddle_generator_maximises_the_conjugate_term(registry):
    model = build_fgan(registry, divergence="kl", generator_loss="saddle")
    fake = points(64, 1.0)
    torch.testing.assert_close(
        model.generator_loss(fake), -torch.exp(model.critic(fake) - 1).mean()
    )


def test_warm_start_trains_on_its_divergence_then_switches(registry):
    model = build_fgan(
        registry, divergence="kl", warm_start={"divergence": "jensen-shannon", "steps": 3}
    )
    model.begin_step(2)
    assert model.active.name == "jensen-shannon"
    model.begin_step(3)
    assert model.active.name == "kl"


def test_gradient_clipping_bounds_both_networks_gradient_norms(registry):
    model = build_fgan(registry, divergence="pearson", grad_clip=1.0)
    (1e3 * model.critic_loss(points(64), points(64, 3.0))).backward()
    model.before_critic_step()
    norm = torch.linalg.vector_norm(torch.stack([p.grad.norm() for p in model.critic.parameters()]))
    assert norm.item() == pytest.approx(1.0, rel=1e-4)
    (1e3 * model.generator_loss(model.generate(64))).backward()
    model.before_generator_step()
    grads = [p.grad.norm() for p in model.generator.parameters()]
    assert torch.linalg.vector_norm(torch.stack(grads)).item() <= 1.0 + 1e-4


def test_weight_decay_applies_to_the_critic_only(registry):
    model = build_fgan(registry, weight_decay=1e-3)
    assert model.d_optimizer.param_groups[0]["weight_decay"] == 1e-3
    assert model.g_optimizer.param_groups[0]["weight_decay"] == 0.0


def test_saddle_form_needs_an_f_divergence(registry):
    assert isinstance(build_fgan(registry, divergence="hinge"), genbench.AdversarialModel)
    with pytest.raises(genbench.UserError, match="not an f-divergence"):
        build_fgan(registry, divergence="hinge", generator_loss="saddle")


def test_every_divergence_of_the_table_trains_end_to_end(tmp_path):
    entries = "".join(
        f'\n[[entry]]\nname = "{d.name}"\nmodel = "fgan"\ndivergence = "{d.name}"\n'
        for d in DIVERGENCES
    )
    extra = (
        '\n[[entry]]\nname = "KL from JS"\nmodel = "fgan"\ndivergence = "kl"\n'
        'warm_start = { divergence = "jensen-shannon", steps = 2 }\n'
        '\n[[entry]]\nname = "KL saddle"\nmodel = "fgan"\ndivergence = "kl"\n'
        'generator_loss = "saddle"\ngrad_clip = 1.0\nweight_decay = 1e-4\n'
    )
    spec = tmp_path / "fgan.toml"
    spec.write_text(
        '[benchmark]\ndataset = "ring-8"\nbudget = "4 steps"\n'
        '[evaluation]\nsamples = 200\nmetrics = ["mode-coverage"]\n' + entries + extra
    )
    result = CliRunner().invoke(cli, ["run", str(spec), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    table = (tmp_path / "out" / "fgan" / "table.md").read_text()
    for name in [d.name for d in DIVERGENCES] + ["KL from JS", "KL saddle"]:
        assert f"| {name} " in table
    assert "failed" not in table


def test_a_deferred_divergences_params_stay_declared_after_it_is_loaded(registry):
    """The registration is the one source of a Deferred item's params: the second model on
    the PR divergence is configured with its lambda as the first one is."""
    first = build_fgan(registry, divergence="pr", divergence_params={"lambda": 10.0})
    second = build_fgan(registry, divergence="pr", divergence_params={"lambda": 10.0})
    assert first.divergence.lambda_ == second.divergence.lambda_ == 10.0
