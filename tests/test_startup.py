"""The command line answers without the heavy libraries: `--help`, `list`, `show` and every
spec error import neither torch, torchvision nor pandas (measured by `bench_cli.py`).

Each case runs in a fresh interpreter, since this test process has long imported torch. The
command runs as a user's would (click's standalone mode: its own exit code, a refusal as one
line on stderr), and each case checks that it did what it should: a command that crashed
early would import nothing heavy and pass for light."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass

import pytest

from tests.conftest import REPO

HEAVY = ("torch", "torchvision", "pandas", "matplotlib")
PROBE = """
import atexit, json, sys
atexit.register(lambda: print(json.dumps([name for name in {heavy!r} if name in sys.modules])))
from genbench.cli import cli
cli.main(args=sys.argv[1:], prog_name="genbench")
"""


@dataclass(frozen=True)
class Outcome:
    """What a command did: its exit code, its output (without the probe's line), its stderr
    and the heavy libraries it had imported when it exited."""

    code: int
    output: str
    errors: str
    heavy: list[str]


def run_genbench(*args: str) -> Outcome:
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY), *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    *output, probed = result.stdout.rstrip("\n").splitlines() or [""]
    return Outcome(result.returncode, "\n".join(output), result.stderr, json.loads(probed))


LIGHT = [
    (("--help",), "Usage: genbench"),
    (("list", "plugins"), "genbench_core"),
    (("list", "models"), "pr-optimizer"),
    (("list", "divergences", "--json"), '"name": "jensen-shannon"'),
    (("list", "metrics"), "precision-recall"),
    (("show", str(REPO / "benchmarks" / "mnist_all.toml")), '"name": "mnist_all"'),
]


@pytest.mark.parametrize(
    ("args", "expected"),
    [pytest.param(*case, id=" ".join(case[0][:2])) for case in LIGHT],
)
def test_light_commands_import_no_heavy_library(args, expected):
    outcome = run_genbench(*args)
    assert outcome.code == 0, outcome.errors
    assert "Traceback" not in outcome.errors, outcome.errors
    assert expected in outcome.output
    assert outcome.heavy == []


def test_a_bad_spec_is_refused_before_torch_is_imported(tmp_path):
    spec = tmp_path / "bad.toml"
    spec.write_text('[benchmark]\ndataset = "mnist"\n[[entry]]\nname = "a"\nmodel = "gann"\n')
    outcome = run_genbench("run", str(spec))
    assert outcome.code == 2, outcome.errors
    assert outcome.errors.startswith(f"error: {spec}: entry[0].model: unknown model 'gann'")
    assert outcome.errors.count("\n") == 1, outcome.errors
    assert outcome.heavy == []


def test_importing_genbench_and_its_contract_is_light():
    code = "import sys, genbench, genbench.api; print([m for m in {!r} if m in sys.modules])"
    result = subprocess.run(
        [sys.executable, "-c", code.format(HEAVY)], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
