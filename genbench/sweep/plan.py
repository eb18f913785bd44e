"""What a sweep will do, read from its results folder before anything loads: the runs to
train, to evaluate again from their checkpoints and to reuse, and how long it should take.
`genbench run --dry-run` prints it; the sweep's progress bar starts from it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from genbench.api.executor import RunInfo
from genbench.api.layout import RunFiles
from genbench.sweep.records import find_records, read_record_or_none, trained_already
from genbench.sweep.spec import BenchmarkSpec


@dataclass(frozen=True)
class Plan:
    """Runs by what happens to them; `seconds` is the wall time of their training with
    `at_once` runs side by side, None when a step budget has no earlier run of the entry to
    measure its speed by."""

    train: list[RunInfo]
    reevaluate: list[RunInfo]
    reuse: list[RunInfo]
    seconds: float | None
    at_once: int = 1

    def describe(self) -> str:
        estimate = "unknown" if self.seconds is None else f"~{duration(self.seconds)}"
        side_by_side = f"{self.at_once} runs at once; " if self.at_once > 1 else ""
        return (
            f"{len(self.train)} run(s) to train, {len(self.reevaluate)} to evaluate again from "
            f"their checkpoints, {len(self.reuse)} to reuse; estimated training time {estimate} "
            f"({side_by_side}evaluation extra)"
        )


def make_plan(
    spec: BenchmarkSpec,
    runs: Sequence[RunInfo],
    pending: Sequence[RunInfo],
    force: bool,
    results_dir: Path,
    jobs: int = 1,
) -> Plan:
    """`jobs`: the runs trained side by side, which divide the training time."""
    todo = {(run.entry, run.seed) for run in pending}
    train, reevaluate, reuse = [], [], []
    for run in runs:
        if (run.entry, run.seed) not in todo:
            reuse.append(run)
            continue
        record = None if force else read_record_or_none(run.run_dir)
        has_checkpoint = RunFiles(run.run_dir).checkpoint.exists()
        if trained_already(record, run.training_hash) and has_checkpoint:
            reevaluate.append(run)
        else:
            train.append(run)
    at_once = max(1, min(jobs, len(train)))
    seconds = _training_seconds(spec, train, results_dir)
    return Plan(train, reevaluate, reuse, None if seconds is None else seconds / at_once, at_once)


def _training_seconds(
    spec: BenchmarkSpec, train: Sequence[RunInfo], results_dir: Path
) -> float | None:
    budget = spec.budget
    if budget.seconds is not None:
        return budget.seconds * len(train)
    if not train:
        return 0.0
    speeds: dict[str, float] = {}
    if results_dir.exists():
        for record in find_records(results_dir).records:
            if record.train.steps_per_second > 0:
                speeds.setdefault(record.entry, record.train.steps_per_second)
    if any(run.entry not in speeds for run in train):
        return None
    return sum((budget.steps or 0) / speeds[run.entry] for run in train)


def duration(seconds: float) -> str:
    """A duration as a person reads it: '45s', '12m', '3.5h'."""
    if seconds < 90:
        return f"{seconds:.0f}s"
    if seconds < 5400:
        return f"{seconds / 60:.0f}m"
    return f"{seconds / 3600:.1f}h"
