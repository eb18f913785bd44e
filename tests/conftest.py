"""Shared fixtures: an isolated cache, a fresh plugin registry, spec files in tmp folders."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from unittest import mock

import pytest
import torch

from genbench import registry as registry_module
from genbench.api.storage import CACHE_ENV
from genbench.registry import Registry
from genbench.spec.benchmark import DATA_ROOT_ENV

REPO = Path(__file__).resolve().parent.parent

# The tests' networks are small: one thread is as fast as two on an idle machine, and on a
# shared, busy one two threads contend so badly that single tests slowed down 100-fold.
torch.set_num_threads(1)


@pytest.fixture(autouse=True)
def isolated_folders(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Extractor caches and datasets go to a per-session folder, never to the user's home."""
    base = tmp_path_factory.getbasetemp()
    monkeypatch.setenv(CACHE_ENV, str(base / "genbench-cache"))
    monkeypatch.setenv(DATA_ROOT_ENV, str(base / "genbench-data"))
    # Worker processes would not see what a test patches in this one; tests/test_jobs.py
    # asks for them explicitly.
    monkeypatch.setenv("GENBENCH_JOBS", "1")


@pytest.fixture
def registry() -> Iterator[Registry]:
    """A freshly loaded registry, active for `genbench.get` during the test."""
    fresh = Registry.load()
    registry_module.activate(fresh)
    yield fresh
    registry_module.activate(None)


@pytest.fixture
def write_spec(tmp_path: Path) -> Callable[[str, str], Path]:
    def write(text: str, name: str = "spec.toml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A folder on sys.path for fake distributions (`tests.fake_distributions`); their modules
    are forgotten afterwards."""
    folder = tmp_path / "site"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    yield folder
    for name in [m for m in sys.modules if m.startswith("genbench_fake")]:
        del sys.modules[name]
    importlib.invalidate_caches()


@pytest.fixture(scope="session")
def inception_weights(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A randomly initialised state dict of torch-fidelity's InceptionV3, made by its own class
    with its weight loading stubbed out (so nothing is downloaded); for every test of the
    inception extractor and metric."""
    from torch_fidelity import feature_extractor_inceptionv3 as fidelity_inception

    with (
        torch.random.fork_rng(devices=[]),
        mock.patch.object(fidelity_inception, "load_state_dict_from_url", return_value={}),
        mock.patch.object(fidelity_inception.FeatureExtractorInceptionV3, "load_state_dict"),
    ):
        torch.manual_seed(0)
        network = fidelity_inception.FeatureExtractorInceptionV3("inception-v3-compat", ["2048"])
    path = tmp_path_factory.mktemp("inception") / "random-inception.pth"
    torch.save(network.state_dict(), path)
    return path
