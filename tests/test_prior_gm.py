"""Gaussian-mixture priors: sample moments against the mixture's, means drawn from the seed,
state saved and loaded with the model, gradients of the dynamic prior, the CLI listing."""

from __future__ import annotations

import json

import pytest
import torch
from click.testing import CliRunner

from genbench.api.params import resolve_params
from genbench.cli import cli


def build_prior(registry, name, latent_dim=3, seed=0, **given):
    item = registry.get("prior", name)
    torch.manual_seed(seed)
    return item.build(latent_dim, resolve_params(item.params, given, f"prior {name!r}"))


@pytest.mark.parametrize("name", ["gm-static", "gm-dynamic"])
def test_sample_moments_match_the_mixture(registry, name):
    """Mean = average of mu_k; covariance = sigma^2 I + the (population) covariance of the
    means. A wide c makes the second term large enough to be seen."""
    prior = build_prior(registry, name, K=4, c=1.5, sigma=0.5)
    means = prior.means.detach()
    torch.manual_seed(1)
    with torch.no_grad():
        z = prior.sample(200_000)
    centred = means - means.mean(0)
    covariance = 0.25 * torch.eye(3) + centred.T @ centred / len(means)
    assert torch.allclose(z.mean(0), means.mean(0), atol=0.01)
    assert torch.allclose(z.T.cov(), covariance, atol=0.015)
    assert covariance.diagonal().min() > 0.5  # the means' spread does matter here


def test_defaults_are_the_seeds_and_means_lie_in_the_box(registry):
    prior = build_prior(registry, "gm-static", latent_dim=100)
    assert tuple(prior.means.shape) == (15, 100)
    assert prior.means.abs().max() <= 0.2 and prior.means.abs().max() > 0.19
    assert torch.equal(prior.sigma, torch.ones(15))


def test_means_come_from_torch_rng_at_build_time(registry):
    same = build_prior(registry, "gm-static", seed=5), build_prior(registry, "gm-static", seed=5)
    other = build_prior(registry, "gm-static", seed=6)
    assert torch.equal(same[0].means, same[1].means)
    assert not torch.equal(same[0].means, other.means)


@pytest.mark.parametrize("name", ["gm-static", "gm-dynamic"])
def test_saved_prior_loads_into_a_differently_seeded_one_and_samples_the_same(
    registry, name, tmp_path
):
    saved = build_prior(registry, name, seed=0)
    assert {"means", "log_sigma"} <= set(saved.state_dict())
    torch.save(saved.state_dict(), tmp_path / "prior.pt")
    loaded = build_prior(registry, name, seed=1)
    assert not torch.equal(loaded.means, saved.means)
    loaded.load_state_dict(torch.load(tmp_path / "prior.pt", weights_only=True))
    assert torch.equal(loaded.means, saved.means)
    assert torch.equal(loaded.sigma, saved.sigma)
    torch.manual_seed(7)
    first = saved.sample(50)
    torch.manual_seed(7)
    assert torch.equal(loaded.sample(50), first)


def test_static_prior_learns_nothing_and_dynamic_prior_gets_gradients(registry):
    static = build_prior(registry, "gm-static")
    dynamic = build_prior(registry, "gm-dynamic")
    assert list(static.parameters()) == []
    assert {name for name, _ in dynamic.named_parameters()} == {"means", "log_sigma"}
    dynamic.sample(64).square().sum().backward()
    assert dynamic.means.grad.abs().sum() > 0
    assert dynamic.log_sigma.grad.abs().sum() > 0


def test_list_priors_shows_both_with_their_parameters():
    result = CliRunner().invoke(cli, ["list", "priors", "--json"])
    assert result.exit_code == 0, result.output
    rows = {row["name"]: row for row in json.loads(result.output)}
    for name in ("gm-static", "gm-dynamic"):
        assert rows[name]["plugin"] == "genbench_gmgan"
        assert {p["name"]: p["default"] for p in rows[name]["params"]} == {
            "K": 15,
            "c": 0.2,
            "sigma": 1.0,
        }
    text = CliRunner().invoke(cli, ["list", "priors"]).output
    assert "gm-static" in text and "gm-dynamic" in text and "K = 15" in text
