"""Third-party plugins installed as separate distributions (a dist-info folder with an entry
point, put on sys.path) load like built-ins, are listed with attribution, and work in a spec;
broken ones are reported without breaking the rest."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from genbench.api.kinds import KINDS
from genbench.cli import cli
from genbench.errors import PluginError
from genbench.plugin_manager import BUILTIN_MODULES, get_plugin_manager
from genbench.registry import Registry
from tests.fake_distributions import install_fake_distribution
from tests.tiny_specs import entry, tiny_spec

PLUGIN_SOURCE = """
import torch
import torch.nn.functional as F

import genbench
from genbench_gan.catalog import common_params
from genbench_gan.common import build_parts

EVENTS = []


class UniformPrior(genbench.LatentPrior):
    def sample(self, n):
        return torch.rand(n, self.latent_dim, device=self.device) * 2 - 1


def load_line(request):
    t = torch.linspace(-1, 1, request.params["samples"])
    return genbench.LoadedData(train=torch.stack([t, 0.5 * t], 1).to(request.device), source="line")


def mean_gap(inputs, params):
    return {"mean_gap": float((inputs.real_features.mean(0) - inputs.fake_features.mean(0)).norm())}


class FirstCoordinate:
    info = {"name": "first-coordinate"}

    def __call__(self, batch):
        return batch[:, :1].float()


def run_reversed(runs, work, params):
    for run in reversed(list(runs)):
        yield work(run)


class LeastSquares:
    name = "lsq"
    description = "Least-squares GAN objective (Mao et al. 2017)."
    params = ()

    def discriminator_loss(self, v_real, v_fake):
        return ((v_real - 1) ** 2).mean() + (v_fake**2).mean()

    def generator_loss(self, v_fake):
        return ((v_fake - 1) ** 2).mean()


class DivergenceGAN(genbench.AdversarialModel):
    def __init__(self, *args, divergence, **kwargs):
        super().__init__(*args, **kwargs)
        self.divergence = divergence

    def critic_loss(self, real, fake):
        return self.divergence.discriminator_loss(self.critic(real), self.critic(fake))

    def generator_loss(self, fake):
        return self.divergence.generator_loss(self.critic(fake))


def build(context):
    parts = build_parts(context)
    return DivergenceGAN(
        parts.generator,
        parts.critic,
        parts.prior,
        torch.optim.Adam(parts.generator.parameters(), lr=1e-3),
        torch.optim.Adam(parts.critic.parameters(), lr=1e-3),
        batch_size=context.params["batch_size"],
        divergence=genbench.get("divergence", context.params["divergence"]),
    )


class Flat(torch.nn.Module):
    def __init__(self, fan_in, fan_out):
        super().__init__()
        self.layer = torch.nn.Linear(fan_in, fan_out)

    def forward(self, x):
        return self.layer(x.flatten(1)).squeeze(-1)


def build_line_net(request):
    generator = Flat(request.latent_dim, request.sample_shape[0])
    return genbench.NetworkPair(generator, Flat(request.critic_shape[0], 1))


@genbench.hookimpl
def genbench_register_networks(register):
    register(genbench.Network("line-net", "One linear layer each.", build_line_net, latent_dim=2))


@genbench.hookimpl
def genbench_register_datasets(register):
    register(genbench.Dataset("line-2d", "Points on a segment.", load_line,
                              (genbench.Param("samples", 512, "points"),)))


@genbench.hookimpl
def genbench_register_metrics(register):
    register(genbench.Metric("mean-gap", "Distance between feature means.",
                             (genbench.Column("mean_gap", "Mean gap", False),), mean_gap))


@genbench.hookimpl
def genbench_register_feature_extractors(register):
    register(genbench.FeatureExtractor("first-coordinate", "x only.", lambda r: FirstCoordinate()))


@genbench.hookimpl
def genbench_register_priors(register):
    register(genbench.Prior("uniform", "Uniform on [-1, 1]^d.", lambda d, params: UniformPrior(d)))


@genbench.hookimpl
def genbench_register_executors(register):
    register(genbench.Executor("reversed", "Runs in reverse order.", run_reversed))


@genbench.hookimpl
def genbench_register_divergences(register):
    register(LeastSquares())


@genbench.hookimpl
def genbench_register_models(register):
    params = (genbench.Param("divergence", "lsq", "objective", refers_to="divergence"),
              *common_params())
    register(genbench.ModelFamily("divergence-gan", "A GAN on any divergence.", build, params))


@genbench.hookimpl
def genbench_run_started(run):
    EVENTS.append(("started", run.entry, run.seed))


@genbench.hookimpl
def genbench_train_log(run, step, scalars):
    EVENTS.append(("log", run.entry, step, sorted(scalars)))


@genbench.hookimpl
def genbench_run_finished(run, record):
    EVENTS.append(("finished", run.entry, run.seed, record.status))
"""

SPEC = tiny_spec(
    entry("LSGAN uniform", "divergence-gan", prior="uniform"),
    benchmark={
        "name": "third",
        "dataset": "line-2d",
        "budget": "30 steps",
        "seeds": [0, 1],
        "executor": "reversed",
    },
    dataset={"samples": 400},
    evaluation={"features": "first-coordinate", "metrics": ["mean-gap", "precision-recall"]},
)


@pytest.fixture
def installed(site: Path) -> Path:
    install_fake_distribution(
        site,
        "genbench-fake-plugin",
        "0.3",
        {"fake": "genbench_fake_plugin"},
        {"genbench_fake_plugin": PLUGIN_SOURCE},
    )
    install_fake_distribution(
        site,
        "genbench-fake-broken",
        "1.0",
        {"broken": "genbench_fake_broken"},
        {"genbench_fake_broken": "raise ImportError('needs libfoo, which is not installed')\n"},
    )
    return site


def test_list_plugins_shows_third_party_with_distribution_and_items(installed):
    result = CliRunner().invoke(cli, ["list", "plugins", "--json"])
    assert result.exit_code == 0, result.output
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    fake = rows["fake"]
    assert (fake["distribution"], fake["version"], fake["builtin"]) == (
        "genbench-fake-plugin",
        "0.3",
        False,
    )
    assert set(fake["registers"]) == {kind.name for kind in KINDS}
    assert fake["registers"]["model"] == ["divergence-gan"]
    assert rows["genbench_gan"]["builtin"] is True
    assert rows["genbench_gan"]["registers"]["model"] == ["gan"]


def test_broken_plugin_is_reported_and_the_others_still_load(installed):
    result = CliRunner().invoke(cli, ["list", "plugins"])
    assert result.exit_code == 0, result.output
    assert "needs libfoo" in result.output
    assert "genbench-fake-broken" in result.output
    assert "divergence-gan" in result.output
    registry = Registry.load()
    assert registry.entry("model", "gan").plugin == "genbench_gan"


def test_third_party_items_work_in_a_spec_and_observe_runs(installed, tmp_path):
    spec = tmp_path / "third.toml"
    spec.write_text(SPEC)
    result = CliRunner().invoke(cli, ["run", str(spec), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    table = (tmp_path / "out" / "third" / "table.md").read_text()
    assert "Mean gap" in table and "LSGAN uniform" in table
    events = importlib.import_module("genbench_fake_plugin").EVENTS
    started = [e for e in events if e[0] == "started"]
    assert started == [("started", "LSGAN uniform", 1), ("started", "LSGAN uniform", 0)]
    assert ("log", "LSGAN uniform", 25, ["d_loss", "g_loss"]) in events
    assert [e for e in events if e[0] == "finished"] == [
        ("finished", "LSGAN uniform", 1, "ok"),
        ("finished", "LSGAN uniform", 0, "ok"),
    ]


def test_listing_an_item_kind_names_the_providing_plugin(installed):
    result = CliRunner().invoke(cli, ["list", "divergences", "--json"])
    assert result.exit_code == 0, result.output
    (row,) = [r for r in json.loads(result.stdout) if r["name"] == "lsq"]
    assert row["plugin"] == "fake"


def test_duplicate_names_fail_naming_both_plugins(site):
    source = (
        "import genbench\n"
        "@genbench.hookimpl\n"
        "def genbench_register_datasets(register):\n"
        "    register(genbench.Dataset('ring-8', 'clash', lambda request: None))\n"
    )
    install_fake_distribution(
        site,
        "genbench-fake-dupe",
        "1.0",
        {"dupe": "genbench_fake_dupe"},
        {"genbench_fake_dupe": source},
    )
    with pytest.raises(
        PluginError, match="'ring-8' is registered by both plugin 'dupe' and plugin 'genbench_data'"
    ):
        Registry.load()
    result = CliRunner().invoke(cli, ["list", "plugins"])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "both plugin" in result.output


def test_misspelled_hook_is_reported_not_silently_ignored(site):
    source = (
        "import genbench\n@genbench.hookimpl\ndef genbench_register_model(register):\n    pass\n"
    )
    install_fake_distribution(
        site,
        "genbench-fake-typo",
        "1.0",
        {"typo": "genbench_fake_typo"},
        {"genbench_fake_typo": source},
    )
    infos = {info.name: info for info in get_plugin_manager().infos}
    assert "genbench_register_model" in infos["typo"].error
    assert infos["genbench_gan"].error is None


def test_autoload_can_be_disabled(installed, monkeypatch):
    monkeypatch.setenv("GENBENCH_DISABLE_PLUGIN_AUTOLOAD", "1")
    names = {info.name for info in get_plugin_manager().infos}
    assert "fake" not in names and "broken" not in names
    assert "genbench_gan" in names


def test_builtins_load_without_entry_points(monkeypatch):
    monkeypatch.setattr("genbench.plugin_manager.importlib.metadata.entry_points", lambda group: [])
    pm = get_plugin_manager()
    assert {info.module for info in pm.infos} == set(BUILTIN_MODULES)
    assert all(info.error is None for info in pm.infos)


def test_plugin_whose_registration_hook_raises_is_reported_and_the_others_work(installed):
    source = (
        "import genbench\n"
        "@genbench.hookimpl\n"
        "def genbench_register_metrics(register):\n"
        "    raise RuntimeError('metric table missing')\n"
        "@genbench.hookimpl\n"
        "def genbench_register_models(register):\n"
        "    register(genbench.ModelFamily('half-made', 'Registered before the failure.',\n"
        "                                  lambda context: None))\n"
    )
    install_fake_distribution(
        site=installed,
        dist="genbench-fake-raising",
        version="2.0",
        entry_points={"raising": "genbench_fake_raising"},
        modules={"genbench_fake_raising": source},
    )
    result = CliRunner().invoke(cli, ["list", "plugins", "--json"])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    raising = [line for line in warnings if "raising" in line]
    assert len(raising) == 1 and "genbench-fake-raising" in raising[0], warnings
    assert "metric table missing" in raising[0]
    assert len([line for line in warnings if "genbench-fake-broken" in line]) == 1
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    assert "metric table missing" in rows["raising"]["error"]
    assert rows["fake"]["error"] is None and rows["fake"]["registers"]["model"]
    registry = Registry.load()
    assert "half-made" not in registry.names("model")  # nothing of a broken plugin is kept
    assert {"gan", "divergence-gan"} <= set(registry.names("model"))


NAN_DIVERGENCE = """
import genbench


class TurnsNaN:
    name = "turns-nan"
    description = "Least squares until step 10, then NaN."
    params = ()

    def __init__(self):
        self.calls = 0

    def discriminator_loss(self, v_real, v_fake):
        return ((v_real - 1) ** 2).mean() + (v_fake**2).mean()

    def generator_loss(self, v_fake):
        self.calls += 1
        loss = ((v_fake - 1) ** 2).mean()
        return loss * float("nan") if self.calls >= 10 else loss


@genbench.hookimpl
def genbench_register_divergences(register):
    register(TurnsNaN())
"""


def test_divergence_whose_losses_turn_nan_is_a_diverged_row_and_the_sweep_goes_on(
    installed, tmp_path
):
    install_fake_distribution(
        installed, "genbench-fake-nan", "1.0", {"nan": "genbench_fake_nan"},
        {"genbench_fake_nan": NAN_DIVERGENCE},
    )  # fmt: skip
    spec = tmp_path / "third.toml"
    spec.write_text(
        SPEC.replace("seeds = [0, 1]", "seeds = [0]")
        + '\n[[entry]]\nname = "NaN"\nmodel = "divergence-gan"\ndivergence = "turns-nan"\n'
    )
    result = CliRunner().invoke(cli, ["run", str(spec), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    runs = {
        record["entry"]: record
        for record in map(json.loads, map(Path.read_text, tmp_path.glob("out/*/runs/*/*/*.json")))
    }
    assert runs["NaN"]["status"] == "diverged"
    assert runs["NaN"]["diverged"]["step"] == 10 and "non-finite g_loss" in result.output
    assert runs["LSGAN uniform"]["status"] == "ok"
    assert "diverged (step 10)" in (tmp_path / "out" / "third" / "table.md").read_text()
