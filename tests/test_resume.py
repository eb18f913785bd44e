"""A run that survives being SIGKILLed: resumed from its saved state, it ends with the weights,
steps, FLOPs, timeline and metrics of one that was never interrupted (the engine's own
resume is tested in tests/test_train.py)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from genbench.api.storage import load_torch
from tests.tiny_specs import entry, tiny_spec


def test_a_sigkilled_run_resumes_and_ends_with_the_uninterrupted_weights(write_spec, tmp_path):
    spec = tiny_spec(
        entry("GAN", "gan", network_params={"generator_widths": [256, 256]}, ema=0.99),
        benchmark={"budget": "3000 steps", "checkpoint_every": "250 steps"},
        evaluation={"samples": 200, "every": "1000 steps", "every_samples": 100},
    )
    path = write_spec(spec)
    killed_out, whole_out = tmp_path / "killed", tmp_path / "whole"
    command = [sys.executable, "-m", "genbench", "run", str(path), "--out"]
    process = subprocess.Popen(
        [*command, str(killed_out)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    resume = killed_out / "tiny" / "runs" / "gan" / "seed-0" / "resume.pt"
    deadline = time.monotonic() + 120
    while not resume.exists() and time.monotonic() < deadline:
        assert process.poll() is None, "the run ended before it could be killed"
        time.sleep(0.01)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert resume.exists()
    subprocess.run([*command, str(killed_out)], check=True, capture_output=True)
    subprocess.run([*command, str(whole_out)], check=True, capture_output=True)
    assert not resume.exists()
    run = Path("tiny") / "runs" / "gan" / "seed-0"
    resumed = load_torch(killed_out / run / "checkpoint.pt")["model"]
    whole = load_torch(whole_out / run / "checkpoint.pt")["model"]
    assert resumed.keys() == whole.keys()
    assert all(torch.equal(resumed[key], whole[key]) for key in whole)
    records = [
        json.loads((out / run / "record.json").read_text()) for out in (killed_out, whole_out)
    ]
    assert records[0]["train"]["resumed_at"] >= 250 and records[1]["train"]["resumed_at"] is None
    assert records[0]["train"]["steps"] == records[1]["train"]["steps"] == 3000
    assert records[0]["train"]["flops"] == pytest.approx(records[1]["train"]["flops"])
    assert records[0]["timeline"]["steps"] == records[1]["timeline"]["steps"]
    assert records[0]["metrics"] == records[1]["metrics"]
