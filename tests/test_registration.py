"""Registration checks what a plugin hands over, so a faulty plugin is named at start-up;
a `Deferred` item is imported only on first use; `genbench list plugins` shows plugins that
only observe runs."""

from __future__ import annotations

import json
import types

import pytest
import torch
from click.testing import CliRunner

import genbench
from genbench.api.executor import Executor
from genbench.errors import PluginError
from genbench.eval.evaluator import MetricRequest, compute_scores
from genbench.plugin_manager import PluginInfo, get_plugin_manager
from genbench.registry import Registry


def registry_with(name: str, **hooks: object) -> Registry:
    module = types.ModuleType(name)
    for hook, function in hooks.items():
        setattr(module, hook, genbench.hookimpl(function))
    pm = get_plugin_manager(autoload=False)
    pm.add(module, PluginInfo(name, name, "fake-dist", "1.0", builtin=False))
    return Registry(pm)


def test_an_item_of_the_wrong_type_fails_naming_the_plugin():
    def register_models(register):
        register(Executor("not-a-model", "an executor where a model belongs", lambda *a: iter(())))

    with pytest.raises(PluginError, match=r"plugin 'wrong'.*not a genbench.ModelFamily"):
        registry_with("wrong", genbench_register_models=register_models)


def test_a_divergence_without_its_losses_fails_naming_the_plugin():
    class Half:
        name, description, params = "half", "no generator loss", ()

        def discriminator_loss(self, v_real, v_fake):
            return v_fake.mean() - v_real.mean()

    def register_divergences(register):
        register(Half())

    with pytest.raises(PluginError, match=r"plugin 'halves'.*lacks generator_loss"):
        registry_with("halves", genbench_register_divergences=register_divergences)


def test_a_deferred_item_is_listed_without_import_and_loaded_on_get():
    def register_divergences(register):
        register(genbench.Deferred("kl-again", "KL once more", "genbench_fgan.divergences:KL"))
        register(genbench.Deferred("nowhere", "cannot load", "no_such_module_here:Thing"))

    registry = registry_with("later", genbench_register_divergences=register_divergences)
    assert registry.describe("divergence", "nowhere").description == "cannot load"
    with pytest.raises(ModuleNotFoundError):
        registry.get("divergence", "nowhere")
    with pytest.raises(PluginError, match="whose name is 'kl'"):
        registry.get("divergence", "kl-again")


def test_a_deferred_class_is_instantiated_once():
    registry = Registry.load(autoload=False)
    first = registry.get("divergence", "pearson")
    assert first is registry.get("divergence", "pearson")
    v = torch.linspace(-2, 2, 5)
    assert torch.allclose(first.f_star(v), v**2 / 4 + v)


def test_a_metric_that_omits_a_declared_column_fails_naming_its_plugin():
    metric = genbench.Metric(
        "half-metric",
        "declares two columns, returns one",
        (genbench.Column("a", "A", True), genbench.Column("b", "B", True)),
        lambda inputs, params: {"a": 1.0},
    )
    real = torch.zeros(4, 2)
    inputs = genbench.MetricInputs(real, real, real, real, genbench.LoadedData(real, "t"))
    with pytest.raises(PluginError, match=r"plugin 'sloppy'.*'half-metric'.*column\(s\) b"):
        compute_scores([MetricRequest(metric, {}, "sloppy")], inputs)


def test_list_plugins_shows_a_plugin_that_only_observes_runs():
    def run_finished(run, record):
        return None

    registry = registry_with("observer", genbench_run_finished=run_finished)
    assert registry.items_of("observer") == {}
    assert registry.lifecycle_hooks_of("observer") == ["genbench_run_finished"]


def test_list_plugins_names_every_built_in(monkeypatch):
    monkeypatch.setenv("GENBENCH_DISABLE_PLUGIN_AUTOLOAD", "1")
    from genbench.cli import cli

    result = CliRunner().invoke(cli, ["list", "plugins", "--json"])
    assert result.exit_code == 0, result.output
    names = {row["name"] for row in json.loads(result.output)}
    assert {"genbench_core", "genbench_gan", "genbench_fgan", "genbench_metrics"} <= names
