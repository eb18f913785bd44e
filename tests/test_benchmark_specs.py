"""Every shipped benchmark spec validates and runs end to end on a tiny budget, with one row
per entry: the default test run covers every built-in plugin this way."""

from __future__ import annotations

import re
import tomllib

import numpy as np
import pytest
import tomli_w
from click.testing import CliRunner
from PIL import Image

from genbench.cli import cli
from tests.conftest import REPO

SPECS = sorted((REPO / "benchmarks").glob("*.toml"))


def entry_names(spec) -> list[str]:
    return [entry["name"] for entry in tomllib.loads(spec.read_text())["entry"]]


@pytest.mark.parametrize("spec", SPECS, ids=[s.stem for s in SPECS])
def test_shipped_spec_validates(spec):
    result = CliRunner().invoke(cli, ["show", str(spec)])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("name", "budget"), [("mnist_all", "20 steps"), ("toy_mixtures", "20 steps")]
)
def test_shipped_spec_runs_with_one_row_per_entry(name, budget, tmp_path):
    spec = REPO / "benchmarks" / f"{name}.toml"
    # Like the budget and the seeds, the evaluation's sample count is cut to what a test needs:
    # the spec's 5,000 took half of this test's time (187 s against 97) and prove nothing more.
    text, cut = re.subn(
        r"(\[evaluation\][^\[]*?\nsamples = )\d+", r"\g<1>500", spec.read_text(), count=1
    )
    assert cut == 1, "the spec's [evaluation] table names no samples"
    small = tmp_path / spec.name
    small.write_text(text)
    args = ["run", str(small), "--budget", budget, "--seeds", "0", "--out", str(tmp_path)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    table = (tmp_path / name / "table.md").read_text()
    rows = [line for line in table.splitlines() if line.startswith("| ") and "---" not in line]
    names = [row.split("|")[1].strip().rstrip(" †‡§") for row in rows[1:]]
    assert names == entry_names(spec)
    assert (tmp_path / name / "samples.png").exists()


@pytest.mark.parametrize(
    "name", ["cifar10_sngan", "cifar10_biggan_conditional"], ids=["sngan", "biggan conditional"]
)
def test_a_cifar10_gpu_spec_trains_every_entry_on_synthetic_32x32_images(name, tmp_path):
    """A GPU spec, on the CPU: its networks, objectives and recipe as written but for the
    networks' widths and the batch, on 24 random 32x32 RGB images in 3 class folders for 2
    steps, with identity features instead of Inception (no weights offline)."""
    spec = REPO / "benchmarks" / f"{name}.toml"
    raw = tomllib.loads(spec.read_text())
    images = tmp_path / "images"
    rng = np.random.default_rng(0)
    for index in range(24):
        folder = images / f"class-{index % 3}"
        folder.mkdir(parents=True, exist_ok=True)
        pixels = rng.integers(0, 256, (32, 32, 3), dtype=np.uint8)
        Image.fromarray(pixels).save(folder / f"{index:02d}.png")
    raw["benchmark"] |= {"dataset": "image-folder", "budget": "2 steps", "seeds": [0]}
    raw["benchmark"]["device"] = "cpu"
    raw["dataset"] = {"path": str(images), "size": 32, "channels": 3, "classes": True}
    # k-NN metrics: FID on 3,072 identity features costs seconds per eigendecomposition.
    raw["evaluation"] = {"samples": 24, "features": "identity", "metrics": ["precision-recall"]}
    raw["recipe"]["batch_size"] = 6
    # The narrowest widths the networks take: BigGAN's own take 1 s a critic step here.
    raw["recipe"]["network_params"] = {"generator_width": 8, "critic_width": 16}
    small = tmp_path / spec.name
    small.write_text(tomli_w.dumps(raw))
    result = CliRunner().invoke(cli, ["run", str(small), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    table = (tmp_path / name / "table.md").read_text()
    rows = [line for line in table.splitlines() if line.startswith("| ") and "---" not in line]
    assert [row.split("|")[1].strip().rstrip(" †‡§") for row in rows[1:]] == entry_names(spec)
    assert "failed" not in table
