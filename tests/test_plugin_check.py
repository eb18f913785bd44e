"""`genbench check-plugin` imports every lazy target and runs each item on a probe: it finds the
float32 trap of a divergence composed from its table, a misspelt or missing lazy target, a
metric that returns the wrong key, a network whose shapes or output range are wrong; it passes
every built-in, says what it checked item by item, and fails (exit 1) on a broken third-party
plugin with one line naming the plugin, the item and the problem."""

from __future__ import annotations

import pytest
import torch
from click.testing import CliRunner

import genbench
from genbench.cli import cli
from genbench.plugin_check.divergence import divergence_problems
from tests.fake_distributions import install_fake_distribution


class NaiveNeyman(genbench.FDivergence):
    """Neyman chi-squared exactly as the f-GAN table writes it, with no closed form for
    f*(g_f(v)): 1 - exp(-v) rounds to 1 in float32 for large v, and sqrt(1 - t) loses its
    slope there."""

    name = "naive-neyman"
    description = "Neyman chi-squared composed from the table"

    def f(self, u):
        return (1 - u) ** 2 / u

    def f_star(self, t):
        return 2 - 2 * torch.sqrt(1 - t)

    def activation(self, v):
        return 1 - torch.exp(-v)


def test_a_divergence_composed_from_the_table_is_caught_where_it_breaks():
    problems = divergence_problems(NaiveNeyman())
    assert problems
    assert any("discriminator_loss" in line and "v = 17" in line for line in problems)


def test_every_built_in_passes_and_each_item_says_what_was_checked():
    result = CliRunner().invoke(cli, ["check-plugin"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[-1].endswith("item(s) checked, no problems found")
    checked = int(lines[-1].split()[0])
    assert checked == len(lines) - 1 == sum(
        len(names) for info in genbench.current().plugins
        for names in genbench.current().items_of(info.name).values()
    )  # fmt: skip
    assert (
        "genbench_networks: network 'dcgan': ok: forward and backward on images (1, 28, 28);"
        in (result.stdout)
    )
    assert "network 'dcgan' needs square images" in result.stdout  # why it declines points
    assert "genbench_metrics: metric 'mode-coverage': ok: compute on points (2,): modes," in (
        result.stdout
    )
    assert "genbench_gan: model 'gan': ok: built and trained 3 steps on points (2,)" in (
        result.stdout
    )


def test_an_unknown_plugin_is_a_user_error():
    result = CliRunner().invoke(cli, ["check-plugin", "genbench_fgann"])
    assert result.exit_code == 2
    assert "did you mean 'genbench_fgan'" in result.output


NAIVE_NEYMAN_PLUGIN = """
import torch
import genbench


class NaiveNeyman(genbench.FDivergence):
    name = "naive-neyman"
    description = "Neyman chi-squared composed from the table"

    def f(self, u):
        return (1 - u) ** 2 / u

    def f_star(self, t):
        return 2 - 2 * torch.sqrt(1 - t)

    def activation(self, v):
        return 1 - torch.exp(-v)


@genbench.hookimpl
def genbench_register_divergences(register):
    register(NaiveNeyman())
"""

MISSING_TARGET_PLUGIN = """
import genbench


@genbench.hookimpl
def genbench_register_divergences(register):
    register(genbench.Deferred("moved", "Its code moved away.", "genbench_fake_gone:Moved"))
"""

WIDE_PLUGIN = """
import torch
from torch import nn
import genbench

OUTPUT = nn.Identity


class Critic(nn.Module):
    def __init__(self, inputs):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(inputs, 32), nn.ReLU(), nn.Linear(32, 1))

    def forward(self, x):
        return self.net(x.flatten(1)).squeeze(1)


def build(request):
    if len(request.sample_shape) != 1:
        raise genbench.UserError("wide-mlp makes points (D,) only")
    (features,) = request.sample_shape
    generator = nn.Sequential(
        nn.Linear(request.latent_dim, 32), nn.ReLU(), nn.Linear(32, features), OUTPUT()
    )
    return genbench.NetworkPair(generator, Critic(request.critic_shape[0]))


def mean_distance(inputs, params):
    distance = (inputs.real_features.mean(0) - inputs.fake_features.mean(0)).norm()
    return {KEY: float(distance)}


KEY = "mean_distance"


@genbench.hookimpl
def genbench_register_networks(register):
    register(genbench.Network("wide-mlp", "Wide MLPs for points.", genbench.lazy(TARGET)))


@genbench.hookimpl
def genbench_register_metrics(register):
    column = genbench.Column("mean_distance", "Mean distance", higher_is_better=False)
    compute = genbench.lazy("genbench_fake_check:mean_distance")
    register(genbench.Metric("mean-distance", "Distance of the means.", (column,), compute))
"""


def wide_plugin(**changes: str) -> str:
    """The plugin of a user's report (a network for points and a metric), with one line
    changed: `TARGET` is the network's lazy target."""
    source = WIDE_PLUGIN + 'TARGET = "genbench_fake_check:build"\n'
    for name, value in changes.items():
        source += f"{name} = {value}\n"
    return source


WIDE = "fake: network 'wide-mlp'"
BROKEN = {
    "import error": (
        "raise ImportError('needs libfoo, which is not installed')\n",
        ["fake: failed to load: ImportError: needs libfoo, which is not installed"],
    ),
    "an item whose code cannot be imported": (
        MISSING_TARGET_PLUGIN,
        [
            "fake: divergence 'moved': cannot be loaded: ModuleNotFoundError: "
            "No module named 'genbench_fake_gone'"
        ],
    ),
    "a divergence that is not finite in float32": (
        NAIVE_NEYMAN_PLUGIN,
        [
            "fake: divergence 'naive-neyman': discriminator_loss (critic output v on real and "
            "fake) or its gradient is not finite at v = 17.5, 17.75, 18 ...",
            "fake: divergence 'naive-neyman': saddle_generator_loss or its gradient is not "
            "finite at v = 17.5, 17.75, 18 ...",
        ],
    ),
    "a misspelt lazy target": (
        wide_plugin(TARGET='"genbench_fake_check:biuld"'),
        [
            f"{WIDE}: cannot import 'genbench_fake_check:biuld': AttributeError: module "
            "'genbench_fake_check' has no attribute 'biuld'"
        ],
    ),
    "a lazy target in a missing module": (
        wide_plugin(TARGET='"genbench_fake_check.netwrk:build"'),
        [
            f"{WIDE}: cannot import 'genbench_fake_check.netwrk:build': ModuleNotFoundError: "
            "No module named 'genbench_fake_check.netwrk'; 'genbench_fake_check' is not a package"
        ],
    ),
    "a metric that returns the wrong key": (
        wide_plugin(KEY='"mean-distance"'),
        [
            f"fake: metric 'mean-distance': on {where}: returned no value for its declared "
            "column(s) mean_distance (it returned mean-distance)"
            for where in ("points (2,)", "images (1, 28, 28)", "images (3, 32, 32)")
        ]
        + [
            f"fake: metric 'mean-distance': on {where}: returned 'mean-distance', which is "
            "neither a declared column nor a Curve"
            for where in ("points (2,)", "images (1, 28, 28)", "images (3, 32, 32)")
        ],
    ),
    "a generator for points with a bounded output": (
        wide_plugin(OUTPUT="nn.Tanh"),
        [
            f"{WIDE}: points (2,){packed}: the generator for points ends in Tanh, so its points "
            "cannot leave a bounded range, but point data keeps its native coordinates; end it "
            "in a linear layer"
            for packed in ("", " packed 2 to a critic input")
        ],
    ),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_broken_plugin_fails_the_check_with_a_line_naming_each_problem(case, site):
    source, problems = BROKEN[case]
    install_fake_distribution(
        site, "genbench-fake-check", "0.1", {"fake": "genbench_fake_check"},
        {"genbench_fake_check": source},
    )  # fmt: skip
    result = CliRunner().invoke(cli, ["check-plugin", "fake"])
    assert result.exit_code == 1, result.output
    *lines, summary = result.stdout.splitlines()
    assert sorted(line for line in lines if ": ok: " not in line and ": note: " not in line) == (
        sorted(problems)
    )
    assert summary.endswith(f"item(s) checked, {len(problems)} problem(s) found")
    assert "Traceback" not in result.output


def test_the_working_plugin_passes_with_what_each_item_was_checked_on(site):
    install_fake_distribution(
        site, "genbench-fake-check", "0.1", {"fake": "genbench_fake_check"},
        {"genbench_fake_check": wide_plugin()},
    )  # fmt: skip
    result = CliRunner().invoke(cli, ["check-plugin", "fake"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "fake: note: importing genbench_fake_check imports torch, so every `genbench` command "
        "waits for it; register lazily (docs/plugins.md)",
        f"{WIDE}: ok: forward and backward on points (2,); forward and backward on points (2,) "
        "packed 2 to a critic input; declines images (1, 28, 28) (wide-mlp makes points (D,) "
        "only); images (3, 32, 32) (wide-mlp makes points (D,) only)",
        "fake: metric 'mean-distance': ok: compute on points (2,): mean_distance; compute on "
        "images (1, 28, 28): mean_distance; compute on images (3, 32, 32): mean_distance",
        "2 item(s) checked, no problems found",
    ]


@pytest.mark.parametrize(
    ("critic_output", "problem"),
    [
        (
            "self.net(x.flatten(1))",
            "the critic returned (4, 1) for 4 inputs of (2,); it must return one raw value each, "
            "shaped (4,)",
        ),
        (
            "self.net(x.flatten(1)).squeeze(1).detach() + 0 * x.sum()",
            "the critic's weights net.0.weight, net.0.bias, net.2.weight ... get no finite "
            "gradient from the critic's value",
        ),
    ],
)
def test_a_network_whose_critic_breaks_the_contract_is_named(site, critic_output, problem):
    source = wide_plugin().replace("self.net(x.flatten(1)).squeeze(1)", critic_output)
    install_fake_distribution(
        site, "genbench-fake-check", "0.1", {"fake": "genbench_fake_check"},
        {"genbench_fake_check": source},
    )  # fmt: skip
    result = CliRunner().invoke(cli, ["check-plugin", "fake"])
    assert result.exit_code == 1
    assert f"{WIDE}: points (2,): {problem}" in result.stdout.splitlines()


LAZY_PLUGIN = """
import genbench


@genbench.hookimpl
def genbench_register_metrics(register):
    column = genbench.Column("mean_distance", "Mean distance", higher_is_better=False)
    compute = genbench.lazy("genbench_fake_heavy:mean_distance")
    register(genbench.Metric("mean-distance", "Distance of the means.", (column,), compute))
"""


def test_a_lazy_plugin_is_found_by_its_distribution_name_and_gets_no_start_up_note(site):
    install_fake_distribution(
        site, "genbench-fake-check", "0.1", {"fake": "genbench_fake_check"},
        {"genbench_fake_check": LAZY_PLUGIN, "genbench_fake_heavy": wide_plugin()},
    )  # fmt: skip
    result = CliRunner().invoke(cli, ["check-plugin", "genbench-fake-chek"])
    assert result.exit_code == 2 and "did you mean 'genbench-fake-check'" in result.output
    result = CliRunner().invoke(cli, ["check-plugin", "genbench_fake_check"])  # as pip spells it
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "fake: metric 'mean-distance': ok: compute on points (2,): mean_distance; compute on "
        "images (1, 28, 28): mean_distance; compute on images (3, 32, 32): mean_distance",
        "1 item(s) checked, no problems found",
    ]
