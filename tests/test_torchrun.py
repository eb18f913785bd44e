"""A sweep started by torchrun on 2 gloo ranks: each run trains on both (tests/test_parallel.py
shows the engine's ranks equal one process), the first rank alone writes, and what several
ranks cannot do is refused before anything loads."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import torch
from click.testing import CliRunner

from genbench.cli import cli
from genbench.errors import UserError
from genbench.spec.load import load_spec
from genbench.sweep.ranks import launched
from tests.tiny_specs import entry, tiny_spec

SPEC = tiny_spec(entry("GAN", "gan", batch_size=16), benchmark={"name": "ranks"})


def test_a_torchrun_sweep_trains_each_run_on_both_ranks_and_writes_once(write_spec, tmp_path):
    spec = write_spec(SPEC)
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone"]
    command += ["--nproc-per-node", "2", "-m", "genbench", "run", str(spec)]
    env = {**os.environ, "GLOO_SOCKET_IFNAME": "lo", "OMP_NUM_THREADS": "1"}
    ranked = subprocess.run(
        [*command, "--out", str(tmp_path / "ranked")], env=env, capture_output=True, text=True
    )
    assert ranked.returncode == 0, ranked.stdout + ranked.stderr
    assert ranked.stdout.count("1 run(s) trained") == 1  # the first rank reports, alone
    single = CliRunner().invoke(cli, ["run", str(spec), "--out", str(tmp_path / "single")])
    assert single.exit_code == 0, single.output
    folders = {
        name: tmp_path / name / "ranks" / "runs" / "gan" / "seed-0" for name in ("ranked", "single")
    }
    records = {name: json.loads((f / "record.json").read_text()) for name, f in folders.items()}
    assert records["ranked"]["train"]["ranks"] == 2 and records["single"]["train"]["ranks"] == 1
    assert records["ranked"]["train"]["steps"] == 20
    # Each rank counts its half of every batch; together they spent one process's FLOPs.
    flops = [records[name]["train"]["flops"] for name in ("ranked", "single")]
    assert flops[0] == pytest.approx(flops[1], rel=1e-9)
    states = {
        name: torch.load(f / "checkpoint.pt", weights_only=True)["model"]
        for name, f in folders.items()
    }
    for key, value in states["single"].items():
        if value.is_floating_point():
            # Adam turns last-bit differences of near-zero gradients into steps of up to lr.
            difference = (states["ranked"][key] - value).abs()
            assert difference.max() <= 20 * 2 * 2e-4 + 1e-6, key
            assert (difference < 1e-5).float().mean() > 0.9, key


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("batch_size = 16", "batch_size = 15", "batch_size 15 does not split over 2 ranks"),
        ('name = "ranks"', 'name = "ranks"\nexecutor = "ray"', "the local executor with jobs = 1"),
    ],
)
def test_what_several_ranks_cannot_do_is_refused(
    old, new, message, write_spec, registry, monkeypatch
):
    spec = load_spec(write_spec(SPEC.replace(old, new)), registry)
    monkeypatch.setenv("WORLD_SIZE", "2")  # as torchrun sets it; refused before joining
    with pytest.raises(UserError, match=message):
        launched(spec, torch.device("cpu"))
