"""The ray and slurm executors are registered whether or not their libraries are installed;
using one without its library is one line saying what to install; `--address` is refused for
an executor that joins no cluster."""

from __future__ import annotations

import os
import sys
from dataclasses import asdict

import pytest
from click.testing import CliRunner

from genbench.cli import cli
from genbench.errors import UserError
from genbench.spec.benchmark import Overrides
from genbench.spec.load import load_spec
from tests.executor_sweeps import SPEC


def test_both_executors_are_listed_with_their_parameters(registry):
    assert {"local", "ray", "slurm"} <= set(registry.names("executor"))
    ray = {param.name for param in registry.get("executor", "ray").params}
    assert {"address", "num_cpus", "num_gpus"} <= ray
    slurm = {param.name for param in registry.get("executor", "slurm").params}
    assert {"cluster", "partition", "time", "cpus", "gpus"} <= slurm


@pytest.mark.parametrize(("executor", "library"), [("ray", "ray"), ("slurm", "submitit")])
def test_an_executor_without_its_library_says_what_to_install(
    registry, monkeypatch, executor, library, tmp_path
):
    monkeypatch.setitem(sys.modules, library, None)  # import fails as if not installed
    from genbench.api.executor import RunInfo

    run = RunInfo("b", "GAN", 0, tmp_path / "b" / "runs" / "gan" / "seed-0", {}, "c", "t")
    with pytest.raises(UserError, match=rf"pip install 'genbench\[{executor}\]'"):
        list(registry.get("executor", executor).run([run], None, {}))


def test_address_is_refused_for_the_local_executor(write_spec, tmp_path):
    args = ["run", str(write_spec(SPEC)), "--out", str(tmp_path), "--address", "auto"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert "executor 'local' joins no cluster" in result.output
    assert not (tmp_path / "jobs").exists()


def test_address_travels_in_the_overrides_to_the_executors_parameters(registry, write_spec):
    overrides = Overrides(executor="ray", address="ray://head:10001")
    spec = load_spec(write_spec(SPEC), registry, overrides)
    assert spec.executor_params["address"] == "ray://head:10001"
    assert asdict(overrides)["address"] == "ray://head:10001"  # what a RunTask carries
    assert not any("ADDRESS" in name for name in os.environ)
