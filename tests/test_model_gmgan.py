"""GM-GAN: the seeds' defaults, the prior as part of the model (checkpoint, evaluation from a
checkpoint through the runner), the dynamic prior learning with the generator, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from click.testing import CliRunner

import genbench_gmgan.priors
from genbench.api.model import BuildContext
from genbench.api.params import resolve_params
from genbench.cli import cli
from genbench.engine.loop import train
from genbench.registry import current
from genbench.spec.budget import Budget
from genbench_gan.model import VanillaGAN
from genbench_gmgan.priors import GaussianMixturePrior
from tests.tiny_specs import entry, tiny_spec


def build_gmgan(registry, shape=(2,), seed=0, **given):
    family = registry.get("model", "gmgan")
    params = resolve_params(family.params, given, "model 'gmgan'")
    torch.manual_seed(seed)
    return family.build(BuildContext(params, shape, torch.device("cpu"), current()))


def test_default_is_the_vanilla_gan_on_the_seeds_static_mixture(registry):
    model = build_gmgan(registry, shape=(1, 28, 28))
    assert isinstance(model, VanillaGAN)
    assert isinstance(model.prior, GaussianMixturePrior)
    assert tuple(model.prior.means.shape) == (15, 100)
    assert model.prior.means.abs().max() <= 0.2
    assert torch.equal(model.prior.sigma, torch.ones(15))
    assert list(model.prior.parameters()) == []
    assert model.generator(model.prior.sample(3)).shape == (3, 1, 28, 28)


def test_vanilla_gan_keeps_the_normal_prior(registry):
    family = registry.get("model", "gan")
    assert {p.name: p.default for p in family.params}["prior"] == "normal"


def test_loaded_checkpoint_uses_the_saved_means_not_a_fresh_draw(registry, tmp_path):
    saved = build_gmgan(registry, seed=0)
    train(saved, torch.randn(200, 2), Budget(steps=2))
    torch.save(saved.checkpoint(), tmp_path / "checkpoint.pt")
    fresh = build_gmgan(registry, seed=1)
    assert not torch.equal(fresh.prior.means, saved.prior.means)
    fresh.load_checkpoint(torch.load(tmp_path / "checkpoint.pt", weights_only=True))
    assert torch.equal(fresh.prior.means, saved.prior.means)
    torch.manual_seed(3)
    expected = saved.sample(100)
    torch.manual_seed(3)
    assert torch.equal(fresh.sample(100), expected)


def test_dynamic_prior_learns_with_the_generator_and_static_does_not(registry):
    data = torch.randn(200, 2) + 3
    dynamic = build_gmgan(registry, prior="gm-dynamic")
    static = build_gmgan(registry)
    before = {
        m: (m.prior.means.detach().clone(), m.prior.sigma.detach()) for m in (dynamic, static)
    }
    learned = {id(p) for group in dynamic.g_optimizer.param_groups for p in group["params"]}
    assert {id(dynamic.prior.means), id(dynamic.prior.log_sigma)} <= learned
    for model in (dynamic, static):
        train(model, data, Budget(steps=1))
    means, sigma = before[dynamic]
    assert not torch.equal(dynamic.prior.means, means)
    assert not torch.equal(dynamic.prior.sigma, sigma)
    assert torch.equal(static.prior.means, before[static][0])
    assert torch.equal(static.prior.sigma, before[static][1])


SPEC = tiny_spec(
    entry("GM-GAN static", "gmgan"),
    entry("GM-GAN dynamic", "gmgan", prior="gm-dynamic", prior_params={"K": 5, "sigma": 0.5}),
    benchmark={"name": "gm", "budget": "5 steps"},
    dataset={"samples": 500},
    evaluation={"metrics": ["precision-recall", "mode-coverage"]},
)


def run_cli(spec: Path, out: Path) -> str:
    result = CliRunner().invoke(cli, ["run", str(spec), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return result.output


def records(out: Path) -> dict[str, Path]:
    return {
        json.loads(path.read_text())["entry"]: path for path in out.glob("gm/runs/*/*/record.json")
    }


def test_gmgan_static_and_dynamic_run_end_to_end_through_the_cli(write_spec, tmp_path):
    out = tmp_path / "out"
    run_cli(write_spec(SPEC), out)
    found = {entry: json.loads(path.read_text()) for entry, path in records(out).items()}
    assert {entry: r["status"] for entry, r in found.items()} == {
        "GM-GAN static": "ok",
        "GM-GAN dynamic": "ok",
    }
    model = {"name": "gmgan", "plugin": "genbench_gmgan", "ema": None, "classes": None}
    assert without_counts(found["GM-GAN static"]["model"]) == model
    params = found["GM-GAN dynamic"]["config"]["entry"]["params"]
    assert params["prior_params"] == {"K": 5, "c": 0.2, "sigma": 0.5}


def test_evaluation_from_a_checkpoint_samples_from_the_saved_mixture(
    write_spec, tmp_path, monkeypatch: pytest.MonkeyPatch
):
    """A published implementation draws the means again at evaluation. Here the re-evaluation
    is forced to draw other means at build time, and must still sample with the saved ones."""
    static_only = SPEC.split('[[entry]]\nname = "GM-GAN dynamic"')[0]
    out = tmp_path / "out"
    run_cli(write_spec(static_only), out)
    path = records(out)["GM-GAN static"]
    before = json.loads(path.read_text())
    saved = torch.load(path.parent / "checkpoint.pt", weights_only=True)["model"]["prior.means"]

    drawn, used = [], []
    original_draw, original_sample = genbench_gmgan.priors.draw_means, GaussianMixturePrior.sample

    def other_draw(components: int, latent_dim: int, c: float) -> torch.Tensor:
        torch.manual_seed(12345)
        means = original_draw(components, latent_dim, c)
        drawn.append(means.clone())  # loading the checkpoint overwrites `means` in place
        return means

    def recording_sample(self: GaussianMixturePrior, n: int) -> torch.Tensor:
        used.append(self.means.detach().clone())
        return original_sample(self, n)

    monkeypatch.setattr(genbench_gmgan.priors, "draw_means", other_draw)
    monkeypatch.setattr(GaussianMixturePrior, "sample", recording_sample)
    output = run_cli(write_spec(static_only.replace(', "mode-coverage"', "")), out)
    assert "0 run(s) trained, 1 evaluated again from their checkpoints" in output
    assert drawn and not any(torch.equal(means, saved) for means in drawn)
    assert used and all(torch.equal(means, saved) for means in used)
    record = json.loads(path.read_text())
    assert record["training_reused"] is True
    assert record["metrics"]["recall"] == before["metrics"]["recall"]
    assert record["metrics"]["precision"] == before["metrics"]["precision"]


def test_list_models_shows_gmgan_with_the_static_prior_default():
    result = CliRunner().invoke(cli, ["list", "models", "--json"])
    assert result.exit_code == 0, result.output
    row = next(r for r in json.loads(result.output) if r["name"] == "gmgan")
    params = {p["name"]: p["default"] for p in row["params"]}
    assert row["plugin"] == "genbench_gmgan"
    assert params["prior"] == "gm-static" and params["generator_loss"] == "non-saturating"


def without_counts(model: dict) -> dict:
    """The record's model facts without the parameter counts (tests/test_runner.py checks
    them against a hand count)."""
    return {key: value for key, value in model.items() if not key.endswith("_parameters")}
