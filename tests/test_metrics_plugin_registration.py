"""The genbench_metrics plugin registers its items through the hooks, with attribution."""

from __future__ import annotations

import pytest

from genbench.registry import Registry

ITEMS = [
    ("metric", "fid"),
    ("metric", "kid"),
    ("metric", "precision-recall"),
    ("metric", "density-coverage"),
    ("metric", "prd"),
    ("metric", "classifier-score"),
    ("metric", "mode-coverage"),
    ("feature_extractor", "identity"),
    ("feature_extractor", "lenet-mnist"),
]


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry.load(autoload=False)


@pytest.mark.parametrize(("kind", "name"), ITEMS)
def test_item_is_registered_by_genbench_metrics(registry: Registry, kind: str, name: str) -> None:
    entry = registry.entry(kind, name)
    assert entry.plugin == "genbench_metrics"
    assert entry.item.name == name


def test_plugin_loaded_without_error(registry: Registry) -> None:
    info = next(p for p in registry.plugins if p.name == "genbench_metrics")
    assert info.error is None and info.builtin


def test_metric_columns_say_which_direction_is_better(registry: Registry) -> None:
    columns = {
        c.key: c.higher_is_better
        for name in (
            "fid",
            "kid",
            "precision-recall",
            "density-coverage",
            "prd",
            "classifier-score",
            "mode-coverage",
        )
        for c in registry.get("metric", name).columns
    }
    assert columns == {
        "fid": False,
        "kid": False,
        "kid_std": None,
        "precision": True,
        "recall": True,
        "density": None,
        "coverage": True,
        "prd_f8": True,
        "prd_f1_8": True,
        "classifier_score": True,
        "classifier_score_std": None,
        "modes": True,
        "high_quality": True,
        "reverse_kl": False,
        "mode_tv": False,
    }
