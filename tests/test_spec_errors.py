"""Every class of bad spec: exit code 2, one line naming the file and key path, and the
results folder exactly as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from genbench.cli import cli
from tests.tiny_specs import entry, tiny_spec

GOOD = tiny_spec(
    entry("GAN", "gan"),
    benchmark={"name": "bench", "budget": "5 steps", "seeds": None, "device": None},
    dataset={"samples": None},
    evaluation={"samples": 100, "metrics": ["fid", "precision-recall"]},
)

CASES = {
    "unknown top-level table": (
        GOOD + "\n[benchmarks]\nx = 1\n",
        "benchmarks",
        "did you mean 'benchmark'",
    ),
    "unknown benchmark key": (
        GOOD.replace('budget = "5 steps"', 'budget = "5 steps"\nseed = [1]'),
        "benchmark.seed",
        "did you mean 'seeds'",
    ),
    "unknown entry key": (GOOD + "lr_gen = 0.1\n", "entry[0].lr_gen", "did you mean 'lr_g'"),
    "unknown model": (
        GOOD.replace('model = "gan"', 'model = "gann"'),
        "entry[0].model",
        "did you mean 'gan'",
    ),
    "unknown dataset": (
        GOOD.replace('"ring-8"', '"mnits"'),
        "benchmark.dataset",
        "did you mean 'mnist'",
    ),
    "unknown metric": (
        GOOD.replace('"fid", "precision-recall"', '"fid", "precision-recal"'),
        "evaluation.metrics[1]",
        "did you mean 'precision-recall'",
    ),
    "unknown feature extractor": (
        GOOD.replace("samples = 100", 'samples = 100\nfeatures = "lenet"'),
        "evaluation.features",
        "did you mean 'lenet-mnist'",
    ),
    "unknown prior (a name-valued parameter)": (
        GOOD + 'prior = "gaussian"\n',
        "entry[0].prior",
        "unknown prior",
    ),
    "unknown metric parameter": (
        GOOD + "\n[evaluation.params.precision-recall]\nkk = 3\n",
        "evaluation.params.precision-recall.kk",
        "did you mean 'k'",
    ),
    "wrong type": (
        GOOD + "batch_size = 6.5\n",
        "entry[0].batch_size",
        "expected int, got float 6.5",
    ),
    "wrong choice": (GOOD + 'generator_loss = "hinge"\n', "entry[0].generator_loss", "not one of"),
    "bad budget": (
        GOOD.replace('"5 steps"', '"5 epochs"'),
        "benchmark.budget",
        "invalid budget '5 epochs'",
    ),
    "bad seeds": (
        GOOD.replace('budget = "5 steps"', 'seeds = [0, "1"]'),
        "benchmark.seeds",
        "list of integers",
    ),
    "negative seed": (
        GOOD.replace('budget = "5 steps"', "seeds = [-1]"),
        "benchmark.seeds",
        "[0, 2**32)",
    ),
    "benchmark name that is not a folder name": (
        GOOD.replace('name = "bench"', 'name = "../elsewhere"'),
        "benchmark.name",
        "cannot name a results folder",
    ),
    "unknown device": (
        GOOD.replace('budget = "5 steps"', 'device = "cuda0"'),
        "benchmark.device",
        "unknown device",
    ),
    "missing dataset": (GOOD.replace('dataset = "ring-8"', ""), "benchmark.dataset", "missing"),
    "no entries": (GOOD.split("[[entry]]")[0], "entry", "no [[entry]] tables"),
    "entry without model": (GOOD.replace('model = "gan"', ""), "entry[0].model", "missing"),
    "duplicate entry names": (
        GOOD + '\n[[entry]]\nname = "GAN"\nmodel = "gan"\n',
        "entry[1].name",
        "duplicate",
    ),
    "invalid TOML": (GOOD + "\n[[entry]\n", "", "invalid TOML"),
    "unknown divergence in a table parameter": (
        GOOD.replace('model = "gan"', 'model = "fgan"\nwarm_start = { divergence = "j-s" }'),
        "entry[0].warm_start.divergence",
        "unknown divergence",
    ),
    "unknown key in a table parameter": (
        GOOD.replace('model = "gan"', 'model = "fgan"\nwarm_start = { step = 5 }'),
        "entry[0].warm_start.step",
        "did you mean 'steps'",
    ),
    "init_from an unknown entry": (
        GOOD + '\n[[entry]]\nname = "PR"\nmodel = "pr-optimizer"\ninit_from = "GAM"\n',
        "entry[1].init_from",
        "did you mean 'GAN'",
    ),
    "init_from on a model that trains from scratch": (
        GOOD + '\n[[entry]]\nname = "B"\nmodel = "gan"\ninit_from = "GAN"\n',
        "entry[1].init_from",
        "trains from scratch",
    ),
    "fine-tuning model without init_from": (
        GOOD + '\n[[entry]]\nname = "PR"\nmodel = "pr-optimizer"\n',
        "entry[1].init_from",
        "missing",
    ),
    "entries starting from each other": (
        GOOD
        + '\n[[entry]]\nname = "A"\nmodel = "pr-optimizer"\ninit_from = "B"\n'
        + '\n[[entry]]\nname = "B"\nmodel = "pr-optimizer"\ninit_from = "A"\n',
        "entry[1].init_from",
        "cycle: A -> B -> A",
    ),
    "entry seeds that are not seeds": (GOOD + "seeds = [-1]\n", "entry[0].seeds", "non-empty"),
    "entry seeds as a backwards range": (GOOD + 'seeds = "9-3"\n', "entry[0].seeds", "empty range"),
    "entry seeds its starting entry lacks": (
        GOOD + '\n[[entry]]\nname = "PR"\nmodel = "pr-optimizer"\ninit_from = "GAN"\n'
        'seeds = "0-3"\n',
        "entry[1].seeds",
        "seeds 1, 2, 3 have no run of 'GAN' to start from",
    ),
    "a plugin parameter's own rule (a reversed clamp)": (
        GOOD + '\n[[entry]]\nname = "PR"\nmodel = "pr-optimizer"\ninit_from = "GAN"\n'
        "critic_range = [5, -2]\n",
        "entry[1].critic_range",
        "low must be below high, got [5.0, -2.0]",
    ),
}


@pytest.fixture
def results(tmp_path: Path) -> Path:
    """A results folder from an earlier sweep, which a bad spec must leave untouched."""
    out = tmp_path / "results"
    record = out / "bench" / "runs" / "gan" / "seed-0" / "record.json"
    record.parent.mkdir(parents=True)
    record.write_text('{"status": "ok"}')
    (out / "bench" / "table.md").write_text("# earlier table\n")
    return out


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def run_cli(args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(cli, args)
    return result.exit_code, result.output


@pytest.mark.parametrize("case", list(CASES))
def test_bad_spec_exits_2_with_one_line_and_touches_nothing(case, write_spec, results):
    text, key, message = CASES[case]
    spec = write_spec(text, "bench.toml")
    before = snapshot(results)
    code, output = run_cli(["run", str(spec), "--out", str(results)])
    assert code == 2, output
    assert output.count("\n") == 1, output
    assert output.startswith(f"error: {spec}: {key}"), output
    assert message in output
    assert "Traceback" not in output
    assert snapshot(results) == before


def test_missing_spec_file_is_one_line(tmp_path, results):
    missing = tmp_path / "nope.toml"
    code, output = run_cli(["run", str(missing), "--out", str(results)])
    assert (code, output) == (2, f"error: {missing}: no such file\n")


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--budget", "soon", "--budget: invalid budget 'soon'"),
        ("--seeds", "a,b", "--seeds: invalid 'a,b'"),
        ("--device", "tpu", "--device: unknown device 'tpu'"),
        ("--executor", "kubernetes", "unknown executor 'kubernetes'"),
    ],
)
def test_bad_command_line_overrides_are_one_line(option, value, message, write_spec, results):
    spec = write_spec(GOOD, "bench.toml")
    before = snapshot(results)
    code, output = run_cli(["run", str(spec), "--out", str(results), option, value])
    assert code == 2, output
    assert output.count("\n") == 1 and message in output, output
    assert snapshot(results) == before


def test_incompatible_metric_fails_before_training(write_spec, results):
    spec = write_spec(
        GOOD.replace('"ring-8"', '"mnist"').replace(
            'metrics = ["fid", "precision-recall"]', 'metrics = ["mode-coverage"]'
        )
        + "\n[dataset]\ndownload = false\nlimit = 200\n",
        "bench.toml",
    )
    before = snapshot(results)
    code, output = run_cli(["run", str(spec), "--out", str(results)])
    assert code == 2, output
    last = output.strip().splitlines()[-1]
    assert last.startswith("error: mode-coverage needs a Gaussian-mixture dataset"), output
    assert snapshot(results) == before


def test_show_prints_the_resolved_spec(write_spec):
    spec = write_spec(GOOD, "bench.toml")
    code, output = run_cli(["show", str(spec)])
    assert code == 0, output
    assert '"lr_g": 0.0002' in output and '"budget": "5 steps"' in output
