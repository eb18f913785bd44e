"""docs/api.md works as printed: its Python examples run in order in an empty folder, and
`genbench.evaluate` gives what `genbench eval` prints for the same files."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from click.testing import CliRunner

import genbench
from genbench.cli import cli
from tests.conftest import REPO

API_DOC = REPO / "docs" / "api.md"


def test_the_api_page_examples_run_as_printed(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    blocks = re.findall(r"```python\n(.*?)```", API_DOC.read_text(encoding="utf-8"), re.DOTALL)
    assert len(blocks) >= 3
    namespace: dict[str, object] = {}
    for block in blocks:
        exec(block, namespace)


def test_evaluate_gives_what_the_cli_prints(tmp_path):
    rng = np.random.default_rng(1)
    real = rng.normal(size=(600, 8)).astype(np.float32)
    fake = rng.normal(loc=0.2, scale=1.3, size=(600, 8)).astype(np.float32)
    np.save(tmp_path / "real.npy", real)
    np.save(tmp_path / "fake.npy", fake)
    args = ["eval", "--real", str(tmp_path / "real.npy"), "--fake", str(tmp_path / "fake.npy")]
    result = CliRunner().invoke(cli, [*args, "--k", "4", "--json"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    values = genbench.evaluate(real, fake, k=4)
    assert values.keys() == printed.keys()
    for key, value in printed.items():
        assert values[key] == pytest.approx(value, rel=1e-6)


def test_evaluate_rejects_what_it_cannot_read():
    with pytest.raises(genbench.UserError, match="expected a tensor, an array"):
        genbench.evaluate([1, 2, 3], np.zeros((4, 2), np.float32))
    with pytest.raises(genbench.UserError, match="samples=N"):
        genbench.evaluate(lambda n: n, lambda n: n)
