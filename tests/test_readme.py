"""The README's plugin example works as printed, and its commands match the project's."""

from __future__ import annotations

import re
import types

import pytest
import torch

import genbench
from genbench.plugin_manager import get_plugin_manager
from genbench.registry import Registry
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def readme_block(language: str, after: str) -> str:
    section = README[README.index(after) :]
    return re.search(rf"```{language}\n(.*?)```", section, re.DOTALL).group(1)


def test_plugin_example_registers_a_working_metric():
    module = types.ModuleType("my_metrics")
    exec(readme_block("python", "## Writing a plugin"), module.__dict__)
    pm = get_plugin_manager(autoload=False)
    pm.register(module, name="my_metrics")
    registry = Registry(pm)
    assert registry.entry("metric", "mean-gap").plugin == "my_metrics"
    metric = registry.get("metric", "mean-gap")
    real, fake = torch.zeros(10, 3), torch.ones(10, 3)
    inputs = genbench.MetricInputs(real, fake, real, fake, genbench.LoadedData(real, "test"))
    assert metric.compute(inputs, {"scale": 2.0})["mean_gap"] == pytest.approx(2 * 3**0.5)


def test_readme_entry_point_group_is_the_one_genbench_loads():
    assert "[project.entry-points.genbench]" in readme_block("toml", "## Writing a plugin")


def test_ci_runs_the_readme_test_command():
    command = readme_block("bash", "Run the tests").strip()
    assert command in (REPO / ".ci" / "run").read_text().splitlines()
