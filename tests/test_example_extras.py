"""The plugin author's page's second example (examples/genbench-extras): its metric against
scipy, its network against a hand count, its dataset against its geometry, and all three
working when pip-installed."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np
import pytest
import scipy.stats
import torch

from tests.conftest import REPO
from tests.installed_examples import genbench_with, pip_install

EXAMPLE = REPO / "examples" / "genbench-extras"
sys.path.insert(0, str(EXAMPLE))
from genbench_extras.energy import energy_distance  # noqa: E402
from genbench_extras.moons import moons  # noqa: E402
from genbench_extras.network import build  # noqa: E402

# Off the path again: pip leaves the example's egg-info in its folder, and with the folder on
# the path this process would see the example as an installed plugin, which no other test may.
sys.path.remove(str(EXAMPLE))

import genbench  # noqa: E402


def test_energy_distance_matches_scipy_in_one_dimension():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=300), rng.normal(loc=0.4, scale=1.5, size=200)
    ours = energy_distance(torch.from_numpy(x)[:, None], torch.from_numpy(y)[:, None])
    assert ours == pytest.approx(scipy.stats.energy_distance(x, y), rel=1e-9)


def test_energy_distance_of_a_set_with_itself_is_zero():
    x = torch.randn(100, 5)
    assert energy_distance(x, x) == pytest.approx(0.0, abs=1e-6)


def test_noiseless_moons_lie_on_their_two_half_circles():
    points = moons(1000, 0.0, torch.Generator().manual_seed(0)).double()
    upper = points[::2]
    lower = points[1::2]
    assert torch.allclose(upper.norm(dim=1), torch.ones(len(upper), dtype=torch.float64))
    assert (upper[:, 1] >= -1e-6).all()
    centred = lower - torch.tensor([1.0, 0.5], dtype=torch.float64)
    assert torch.allclose(centred.norm(dim=1), torch.ones(len(lower), dtype=torch.float64))
    assert (centred[:, 1] <= 1e-6).all()
    assert math.isclose(float(points[:, 0].mean()), 0.5, abs_tol=0.1)


def test_two_layer_network_has_the_parameters_counted_by_hand():
    request = genbench.NetworkRequest((2,), (4,), latent_dim=3, params={"width": 10})
    pair = build(request)
    count = sum(p.numel() for p in pair.generator.parameters())
    assert count == (3 * 10 + 10) + (10 * 2 + 2)
    assert sum(p.numel() for p in pair.critic.parameters()) == (4 * 10 + 10) + (10 * 1 + 1)
    assert pair.generator(torch.zeros(5, 3)).shape == (5, 2)
    assert pair.critic(torch.zeros(5, 4)).shape == (5,)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return pip_install(EXAMPLE, tmp_path_factory.mktemp("site"))


def test_installed_extras_are_listed_and_train_in_a_run(installed, tmp_path):
    listed = genbench_with(installed, "list", "metrics", "--json", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    rows = {row["name"]: row for row in json.loads(listed.stdout)}
    assert rows["energy-distance"]["plugin"] == "extras"
    assert rows["energy-distance"]["distribution"] == "genbench-extras 0.1.0"
    spec = tmp_path / "moons.toml"
    spec.write_text(
        '[benchmark]\ndataset = "two-moons"\nbudget = "5 steps"\n'
        "[dataset]\nsamples = 500\n"
        '[evaluation]\nsamples = 200\nmetrics = ["energy-distance"]\n'
        '[[entry]]\nname = "GAN"\nmodel = "gan"\n'
        '[[entry]]\nname = "PacGAN2 two-layer"\nmodel = "gan"\nnetwork = "two-layer"\n'
        "packing = 2\nnetwork_params = { width = 16 }\n"
    )
    run = genbench_with(installed, "run", str(spec), "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    table = (tmp_path / "out" / "moons" / "table.md").read_text()
    assert "Energy distance" in table and "| GAN " in table
    assert "| PacGAN2 two-layer " in table and "failed" not in table
