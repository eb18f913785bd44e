"""`genbench stats`: a reference set's statistics written once, in the format papers share.

FID against a benchmark's real set needs only that set's feature mean and covariance; writing
them once (for a dataset's split, or a folder of images) lets every later evaluation, and
anyone given the file, score against exactly the same reference without the images.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from genbench.api.statistics import FeatureStatistics, feature_statistics
from genbench.devices import resolve_device
from genbench.errors import UserError
from genbench.eval.compare import CompareOptions, load_dataset, set_features
from genbench.eval.evaluator import Reference
from genbench.eval.sets import SampleSet, in_memory
from genbench.eval.statistics_file import write_statistics
from genbench.registry import Registry


@dataclass(frozen=True)
class StatisticsSource:
    """A registered dataset's split (all of it, or `samples` of it drawn as a benchmark's
    reference is), or a set read from disk."""

    dataset: str | None = None
    split: str = "train"
    samples: int | None = None
    given: SampleSet | None = None
    given_path: Path | None = None


def make_statistics(
    source: StatisticsSource, out: Path, registry: Registry, options: CompareOptions
) -> tuple[FeatureStatistics, dict[str, Any]]:
    """Fit the source's features and write them to `out`; the fit and its description."""
    device = resolve_device(options.device)
    data = None
    if source.given is not None:
        sample_set = source.given
        where = f"{sample_set.description} from {source.given_path}"
    elif source.dataset is not None:
        data = load_dataset(registry, source.dataset, options, device)
        reference = Reference(source.samples or 0, source.split, whole=source.samples is None)
        values = reference.draw(data)
        sample_set = in_memory(values, not data.is_image, f"{len(values)} samples")
        extent = f"{len(values)} samples of" if source.samples else "all of"
        where = f"dataset {source.dataset} ({data.source}), {extent} the {source.split} split"
    else:
        raise UserError("give the reference set: --dataset NAME or --set PATH")
    scoped = replace(options, dataset=source.dataset)
    featured = set_features([sample_set], registry, scoped, device, data)
    statistics = feature_statistics(featured.features[0])
    identity = featured.identity or {"name": "given features"}
    split = source.split if source.dataset else None
    made_by = {"extractor": identity, "source": where, "split": split}
    write_statistics(out, statistics, made_by)
    return statistics, made_by
