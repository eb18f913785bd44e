"""Real reference features are computed once per configuration and then read from disk."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import torch
from click.testing import CliRunner

import genbench
from genbench.cli import cli
from genbench.eval.evaluator import Evaluator, MetricRequest
from genbench.eval.reference import ReferenceCache
from genbench_metrics.catalog import PRECISION_RECALL
from tests.tiny_specs import entry, tiny_spec

REAL = torch.randn(400, 2, generator=torch.Generator().manual_seed(0))
FAKE = torch.randn(100, 2, generator=torch.Generator().manual_seed(1)) + 0.5


class CountingExtractor:
    """Doubled coordinates; counts the rows it sees that are not generated samples."""

    def __init__(self, info: dict[str, Any] | None = None) -> None:
        self.info = info or {"name": "counting"}
        self.real_rows = 0

    def __call__(self, batch: torch.Tensor) -> torch.Tensor:
        self.real_rows += int(sum(not bool((row == FAKE).all(1).any()) for row in batch))
        return batch.float() * 2


def _evaluator(
    extractor: CountingExtractor,
    cache_dir: Path,
    samples: int = 200,
    params: dict[str, Any] | None = None,
    data: torch.Tensor = REAL,
) -> Evaluator:
    metrics = [MetricRequest(PRECISION_RECALL, {"k": 3})]
    cache = ReferenceCache(cache_dir, "counting", params or {"scale": 2})
    loaded = genbench.LoadedData(data, "test")
    return Evaluator(loaded, extractor, metrics, samples, batch_size=64, cache=cache)


def _prepared(evaluator: Evaluator) -> Evaluator:
    evaluator.preflight()
    evaluator.score(FAKE)
    return evaluator


def test_second_evaluator_reads_real_features_without_running_the_extractor(
    tmp_path: Path,
) -> None:
    first = _prepared(_evaluator(CountingExtractor(), tmp_path))
    assert first.extractor.real_rows >= 200
    assert first.reference_info["cached"] is False
    assert Path(first.reference_info["cache_file"]).is_file()

    again = CountingExtractor()
    second = _prepared(_evaluator(again, tmp_path))
    assert again.real_rows == 0
    assert second.reference_info["cached"] is True
    assert second.reference_info["cache_file"] == first.reference_info["cache_file"]
    assert torch.equal(second.real_features, first.real_features)
    assert second.score(FAKE).values == first.score(FAKE).values


@pytest.mark.parametrize(
    "change",
    [
        {"samples": 150},
        {"params": {"scale": 3}},
        {"info": {"name": "counting", "weights_sha256": "other"}},
        {"data": REAL + 1},
    ],
    ids=["sample-count", "extractor-params", "extractor-info", "dataset-content"],
)
def test_a_changed_key_computes_the_features_again(tmp_path: Path, change: dict[str, Any]) -> None:
    _prepared(_evaluator(CountingExtractor(), tmp_path))
    extractor = CountingExtractor(change.pop("info", None))
    changed = _prepared(_evaluator(extractor, tmp_path, **change))
    assert changed.reference_info["cached"] is False
    assert extractor.real_rows > 0
    assert len(list((tmp_path / "reference-features" / "counting").iterdir())) == 2


def test_a_volatile_info_field_does_not_change_the_key(tmp_path: Path) -> None:
    _prepared(_evaluator(CountingExtractor({"name": "counting", "cached": False}), tmp_path))
    again = CountingExtractor({"name": "counting", "cached": True})
    assert _prepared(_evaluator(again, tmp_path)).reference_cached
    assert again.real_rows == 0


def test_a_damaged_cache_file_is_computed_again(tmp_path: Path) -> None:
    first = _prepared(_evaluator(CountingExtractor(), tmp_path))
    Path(first.reference_info["cache_file"]).write_bytes(b"truncated")
    extractor = CountingExtractor()
    second = _prepared(_evaluator(extractor, tmp_path))
    assert not second.reference_cached and extractor.real_rows >= 200
    assert torch.equal(second.real_features, first.real_features)


SPEC = tiny_spec(
    entry("GAN", "gan"),
    benchmark={"name": "toy", "budget": "5 steps", "seeds": None},
    evaluation={"metrics": ["precision-recall"]},
)


def test_a_second_sweep_takes_its_reference_from_the_cache(write_spec, tmp_path: Path) -> None:
    spec, out = write_spec(SPEC), tmp_path / "out"
    cache = tmp_path / "cache"
    runner = CliRunner(env={"GENBENCH_CACHE_DIR": str(cache)})
    references = []
    for _ in range(2):
        result = runner.invoke(cli, ["run", str(spec), "--out", str(out), "--force"])
        assert result.exit_code == 0, result.output
        record = json.loads(next(out.glob("toy/runs/*/*/record.json")).read_text())
        references.append(record["features"]["reference"])
    assert [r["cached"] for r in references] == [False, True]
    assert references[0]["cache_file"] == references[1]["cache_file"]
    assert Path(references[0]["cache_file"]).is_relative_to(cache)
