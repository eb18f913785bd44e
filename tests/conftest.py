"""Shared fixtures: an isolated cache, a fresh plugin registry, spec files in tmp folders."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from genbench import registry as registry_module
from genbench.environment import CACHE_ENV
from genbench.registry import Registry

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def isolated_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Extractor caches go to a per-session folder, never to the user's home."""
    cache = tmp_path_factory.getbasetemp() / "genbench-cache"
    monkeypatch.setenv(CACHE_ENV, str(cache))
    return cache


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
