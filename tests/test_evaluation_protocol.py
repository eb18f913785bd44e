"""How a benchmark's metrics are computed, chosen in `[evaluation]` and written down: the real
set's split and extent, the paper preset, and the records and table note that say so."""

from __future__ import annotations

import pytest
import torch

import genbench
from genbench.errors import SpecError, UserError
from genbench.eval.evaluator import Reference
from genbench.spec.load import load_spec
from genbench.sweep.records import find_records
from tests.tiny_specs import tiny_spec


def test_the_paper_preset_sets_its_keys_and_refuses_a_contradiction(registry, write_spec):
    paper = {"preset": "paper", "samples": None}
    spec = load_spec(write_spec(tiny_spec(evaluation=paper)), registry)
    evaluation = spec.evaluation
    assert (evaluation.samples, evaluation.split, evaluation.reference) == (50000, "train", "all")
    given = tiny_spec(evaluation={**paper, "samples": 200})
    with pytest.raises(SpecError, match=r"evaluation\.samples.*preset = 'paper'"):
        load_spec(write_spec(given), registry)


def test_default_split_and_extent_keep_older_records_hashes(registry, write_spec):
    spec = load_spec(write_spec(tiny_spec()), registry)
    config = spec.run_config(spec.entries[0], 0)
    assert "split" not in config["evaluation"] and "reference" not in config["evaluation"]
    chosen = load_spec(write_spec(tiny_spec(evaluation={"split": "test"})), registry)
    assert chosen.run_config(chosen.entries[0], 0)["evaluation"]["split"] == "test"


def test_a_sweep_scores_against_the_whole_test_split_and_says_so(registry, write_spec, tmp_path):
    evaluation = {"split": "test", "reference": "all", "samples": 150}
    path = write_spec(
        tiny_spec(dataset={"samples": 1000, "test_samples": 120}, evaluation=evaluation)
    )
    result = genbench.run(path, out=tmp_path / "results", registry=registry, quiet=True)
    (record,) = find_records(result.results_dir).records
    assert record.features.reference is not None
    assert {k: record.features.reference[k] for k in ("split", "reference", "samples")} == {
        "split": "test",
        "reference": "all",
        "samples": 120,
    }
    assert record.eval_samples == 150
    table = (result.results_dir / "table.md").read_text()
    assert "150 generated vs 120 real samples from the whole test split" in table


def test_a_split_the_dataset_lacks_is_a_one_line_error() -> None:
    data = genbench.LoadedData(torch.zeros(10, 2), "points")
    with pytest.raises(UserError, match=r'no test split.*split = "train"'):
        Reference(5, "test").draw(data)


def test_a_subset_is_the_same_draw_for_every_run_and_all_is_the_split_itself() -> None:
    pool = torch.arange(50.0).view(25, 2)
    data = genbench.LoadedData(pool, "points", test=pool + 100)
    first = Reference(10, "test").draw(data)
    assert torch.equal(first, Reference(10, "test").draw(data)) and len(first) == 10
    assert torch.equal(Reference(10, "test", whole=True).draw(data), pool + 100)
    described = Reference.recorded({"split": "test", "reference": "all"}, 10)
    assert described == Reference(10, "test", whole=True)
    assert Reference.recorded(None, 10) == Reference(10)
