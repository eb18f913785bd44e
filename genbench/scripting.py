"""The Python API for scripts and notebooks: `genbench.run` and `genbench.evaluate`.

Both do exactly what `genbench run` and `genbench eval` do (same validation, same records,
same metrics), so a number from a notebook and one from the command line agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from genbench.errors import UserError
from genbench.eval import DEFAULT_METRICS
from genbench.registry import Registry, current
from genbench.report.values import finite_or_none
from genbench.spec.benchmark import BenchmarkSpec, Overrides
from genbench.spec.load import load_spec
from genbench.sweep.options import SweepOptions

if TYPE_CHECKING:
    import pandas as pd

    from genbench.eval.sets import SampleSet
    from genbench.eval.statistics_file import StatisticsFile


@dataclass(frozen=True)
class RunResult:
    """What a sweep left: one row per run (`runs`), one per entry with mean, std and the
    other summary columns (`entries`), the files it wrote and how many runs it trained."""

    results_dir: Path
    runs: pd.DataFrame
    entries: pd.DataFrame
    files: dict[str, Path] = field(default_factory=dict)
    trained: int = 0
    reevaluated: int = 0
    reused: int = 0


def run(
    spec: str | Path | BenchmarkSpec,
    *,
    out: str | Path = "results",
    budget: str | None = None,
    seeds: str | Sequence[int] | None = None,
    device: str | None = None,
    executor: str | None = None,
    force: bool = False,
    registry: Registry | None = None,
    quiet: bool = False,
) -> RunResult:
    """Train and evaluate every entry x seed of `spec` (a path to a TOML spec, or a spec
    already loaded with `genbench.spec.load.load_spec`), as `genbench run` would; the options
    override the spec's like the command line's. `quiet` prints nothing."""
    from rich.console import Console

    from genbench.default_plugins.terminal import reporting
    from genbench.report.publish import publish
    from genbench.search.run import execute_benchmark

    registry = registry or current()
    if not isinstance(spec, BenchmarkSpec):
        if seeds is not None and not isinstance(seeds, str):
            seeds = ",".join(str(seed) for seed in seeds)
        overrides = Overrides(budget=budget, seeds=seeds, device=device, executor=executor)
        spec = load_spec(spec, registry, overrides)
    elif any(value is not None for value in (budget, seeds, device, executor)):
        raise UserError("budget, seeds, device and executor override a spec file; set them on a "
                        "loaded spec's fields instead, or pass the spec's path")  # fmt: skip
    console = Console(quiet=quiet)
    with reporting(registry, console) as reporter:
        outcome, _ = execute_benchmark(spec, registry, Path(out), SweepOptions(force=force))
    title = spec.description or spec.name
    summary, files = publish(
        outcome.records, outcome.results_dir, title, console, reporter.genbench_sweep_warning
    )
    return RunResult(
        results_dir=outcome.results_dir,
        runs=summary.runs,
        entries=summary.frame,
        files=files,
        trained=outcome.trained,
        reevaluated=outcome.reevaluated,
        reused=outcome.reused,
    )


def evaluate(
    real: Any,
    fake: Any,
    *,
    metrics: Sequence[str] = DEFAULT_METRICS,
    features: str | None = None,
    k: int | None = None,
    weights: str | None = None,
    protocol: str | None = None,
    dataset: str | None = None,
    samples: int | None = None,
    device: str = "auto",
    batch_size: int = 500,
    registry: Registry | None = None,
) -> dict[str, float | None]:
    """Every metric of `fake` against `real`, as `genbench eval` computes it.

    Each set may be a tensor or NumPy array of images (N, C, H, W) or features (N, D), a path
    to a folder of images or a .npy/.pt file, or a generator `f(n) -> tensor` (called once,
    with `samples`, else the other set's size). `real` may also be a path to reference
    statistics (.npz, as `genbench eval --real-stats`) for fid and fid-infinity. Undefined
    values are None. Warnings the metrics raise, and notes on the statistics, are passed on as
    Python warnings.
    """
    import warnings

    from genbench.eval.compare import CompareOptions, compare

    registry = registry or current()
    real_set, fake_set = _as_sets(real, fake, samples)
    options = CompareOptions(
        features=features,
        metrics=tuple(metrics),
        k=k,
        weights=weights,
        protocol=protocol,
        dataset=dataset,
        device=device,
        batch_size=batch_size,
    )
    result = compare(real_set, fake_set, registry, options)
    for note in result.notes:
        warnings.warn(note, stacklevel=2)
    return {key: finite_or_none(value) for key, value in result.scores.values.items()}


def _as_sets(
    real: Any, fake: Any, samples: int | None
) -> tuple[SampleSet | StatisticsFile, SampleSet]:
    from genbench.eval.statistics_file import read_statistics

    if callable(real) and callable(fake) and samples is None:
        raise UserError("both sets are generators: say how many samples to draw (samples=N)")
    if isinstance(real, str | Path) and Path(real).suffix == ".npz":
        statistics = read_statistics(Path(real), "real")
        if callable(fake) and samples is None:
            raise UserError("real is statistics: say how many samples to generate (samples=N)")
        return statistics, _as_set(fake(samples) if callable(fake) else fake, "fake")
    real_set = None if callable(real) else _as_set(real, "real")
    fake_set = None if callable(fake) else _as_set(fake, "fake")
    if real_set is None:
        count = samples or len(fake_set.values)  # type: ignore[union-attr]
        real_set = _as_set(real(count), "real")
    if fake_set is None:
        fake_set = _as_set(fake(samples or len(real_set.values)), "fake")
    return real_set, fake_set


def _as_set(value: Any, where: str) -> SampleSet:
    import numpy as np
    import torch

    from genbench.eval.sets import from_tensor, load_set

    if isinstance(value, str | Path):
        return load_set(Path(value), where)
    if isinstance(value, np.ndarray):
        value = torch.from_numpy(value)
    if not isinstance(value, torch.Tensor):
        raise UserError(
            f"{where}: expected a tensor, an array, a path or a generator f(n), "
            f"got {type(value).__name__}"
        )
    return from_tensor(value.detach().cpu(), where)
