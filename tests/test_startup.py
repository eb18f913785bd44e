"""The command line answers without the heavy libraries: `--help`, `list`, `show` and every
spec error import neither torch, torchvision nor pandas (measured by `bench_cli.py`).

Each case runs in a fresh interpreter, since this test process has long imported torch."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import REPO

HEAVY = ("torch", "torchvision", "pandas", "matplotlib")
PROBE = """
import json, sys
from genbench.cli import cli
try:
    cli.main(args=sys.argv[1:], prog_name="genbench", standalone_mode=False)
except BaseException as exc:
    print("raised", type(exc).__name__, file=sys.stderr)
print(json.dumps([name for name in {heavy!r} if name in sys.modules]))
"""


def heavy_modules_after(*args: str) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY), *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    "args",
    [
        ("--help",),
        ("list", "plugins"),
        ("list", "models"),
        ("list", "divergences", "--json"),
        ("list", "metrics"),
        ("show", str(REPO / "benchmarks" / "mnist_all.toml")),
    ],
    ids=lambda args: " ".join(args[:2]),
)
def test_light_commands_import_no_heavy_library(args):
    assert heavy_modules_after(*args) == []


def test_a_bad_spec_is_refused_before_torch_is_imported(tmp_path):
    spec = tmp_path / "bad.toml"
    spec.write_text('[benchmark]\ndataset = "mnist"\n[[entry]]\nname = "a"\nmodel = "gann"\n')
    assert heavy_modules_after("run", str(spec)) == []


def test_importing_genbench_and_its_contract_is_light():
    code = "import sys, genbench, genbench.api; print([m for m in {!r} if m in sys.modules])"
    result = subprocess.run(
        [sys.executable, "-c", code.format(HEAVY)], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
