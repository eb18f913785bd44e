"""`genbench check-plugin` finds the float32 trap of a divergence composed from its table,
and passes every built-in divergence."""

from __future__ import annotations

import torch
from click.testing import CliRunner

import genbench
from genbench.cli import cli
from genbench.plugin_check import divergence_problems


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
