"""The example third-party package (examples/genbench-alpha): its mathematics against known
members of the family, and the proof that a pip-installed divergence plugs in through the
`genbench` entry-point group and trains in a run."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import torch

from tests.conftest import REPO
from tests.installed_examples import genbench_with, pip_install

EXAMPLE = REPO / "examples" / "genbench-alpha"
sys.path.insert(0, str(EXAMPLE))
from genbench_alpha import AlphaDivergence  # noqa: E402

# Off the path again: pip leaves the example's egg-info in its folder, and with the folder on
# the path this process would see the example as an installed plugin, which no other test may.
sys.path.remove(str(EXAMPLE))

from genbench_fgan.divergences import Pearson, SquaredHellinger  # noqa: E402

U = torch.logspace(-2, 2, 101, dtype=torch.float64)


@pytest.mark.parametrize("alpha", [-1.0, 0.5, 2.0, 3.0])
def test_alpha_divergence_is_a_valid_f_divergence(alpha):
    divergence = AlphaDivergence(alpha)
    assert divergence.f(torch.ones(1, dtype=torch.float64)).item() == pytest.approx(0, abs=1e-12)
    v = torch.linspace(-4, 4, 81, dtype=torch.float64)
    t = divergence.activation(v)
    u, tt = torch.meshgrid(U, t, indexing="ij")
    assert (divergence.f(u) + divergence.f_star(tt) - u * tt).min().item() >= -1e-9
    torch.testing.assert_close(divergence.conjugate_of_activation(v), divergence.f_star(t))
    torch.testing.assert_close(divergence.ratio(t), torch.exp(v))


def test_alpha_two_is_half_pearson_and_one_half_twice_squared_hellinger():
    torch.testing.assert_close(AlphaDivergence(2.0).f(U), Pearson().f(U) / 2)
    torch.testing.assert_close(AlphaDivergence(0.5).f(U), 2 * SquaredHellinger().f(U))


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return pip_install(EXAMPLE, tmp_path_factory.mktemp("site"))


def test_pip_installed_plugin_is_listed_with_its_distribution(installed):
    result = genbench_with(installed, "list", "divergences", "--json")
    assert result.returncode == 0, result.stderr
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    assert rows["alpha"]["plugin"] == "alpha"
    plugins = json.loads(genbench_with(installed, "list", "plugins", "--json").stdout)
    alpha = next(p for p in plugins if p["name"] == "alpha")
    assert (alpha["distribution"], alpha["version"], alpha["builtin"]) == (
        "genbench-alpha",
        "0.1.0",
        False,
    )


def test_pip_installed_divergence_trains_in_a_run(installed, tmp_path):
    spec = tmp_path / "alpha.toml"
    spec.write_text(
        '[benchmark]\ndataset = "ring-8"\nbudget = "5 steps"\n'
        '[evaluation]\nsamples = 200\nmetrics = ["mode-coverage"]\n'
        '[[entry]]\nname = "f-GAN (alpha = 0.5)"\nmodel = "fgan"\ndivergence = "alpha"\n'
        "divergence_params = { alpha = 0.5 }\n"
    )
    result = genbench_with(installed, "run", str(spec), "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stdout + result.stderr
    record = next((tmp_path / "out" / "alpha" / "runs").rglob("record.json"))
    facts = json.loads(record.read_text())
    assert facts["status"] == "ok"
    assert facts["plugins"]["alpha"] == "genbench-alpha 0.1.0"
