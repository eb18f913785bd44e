"""The built-in datasets are registered through the entry point, attributed to genbench_data."""

from __future__ import annotations

import pytest

from genbench.api.params import describe_params
from genbench.registry import Registry

BUILTIN_DATASETS = ["grid-25", "mnist", "ring-8"]


@pytest.mark.parametrize("name", BUILTIN_DATASETS)
def test_builtin_dataset_is_registered_by_genbench_data(registry: Registry, name: str) -> None:
    entry = registry.entry("dataset", name)
    assert entry.plugin == "genbench_data"
    assert entry.item.name == name and entry.item.description


def parameters(registry: Registry, name: str) -> dict[str, tuple[str, object]]:
    described = describe_params(registry.get("dataset", name).params)
    return {param["name"]: (param["type"], param["default"]) for param in described}


def test_dataset_parameters_are_typed_with_defaults(registry: Registry) -> None:
    assert parameters(registry, "mnist") == {
        "download": ("bool", True),
        "offline_fallback": ("bool", True),
        "limit": ("int", 0),
    }
    mixture = {"samples": ("int", 50_000), "test_samples": ("int", 10_000), "seed": ("int", 0)}
    assert parameters(registry, "ring-8") == parameters(registry, "grid-25") == mixture
