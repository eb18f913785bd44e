"""`genbench check-plugin` finds the float32 trap of a divergence composed from its table,
passes every built-in divergence, and fails (exit 1) on a third-party plugin that is broken,
naming the plugin, the item and the problem."""

from __future__ import annotations

import pytest
import torch
from click.testing import CliRunner

import genbench
from genbench.cli import cli
from genbench.plugin_check import divergence_problems
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


def test_every_built_in_divergence_passes_the_probe():
    result = CliRunner().invoke(cli, ["check-plugin", "genbench_fgan"])
    assert result.exit_code == 0, result.output
    assert "no problems found" in result.output


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
    assert result.stdout.splitlines() == [*problems, f"{len(problems)} problem(s) found"]
    assert "Traceback" not in result.output
