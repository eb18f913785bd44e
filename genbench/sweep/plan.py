"""What a sweep will do, read from its results folder before anything loads: the runs to
train, to evaluate again from their checkpoints and to reuse, and how long it should take.

Pure: a plan reads the spec and the records already on disk, and writes nothing. `genbench
run --dry-run` prints it; the sweep executes it and its progress bar starts from it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from genbench.api.executor import RunInfo
from genbench.api.layout import RunFiles, entry_folders, run_folder
from genbench.api.record import RunRecord
from genbench.spec.benchmark import BenchmarkSpec, config_hash, training_hash
from genbench.sweep.records import RecordScan, find_records, reusable, trained_already


def plan_runs(spec: BenchmarkSpec, out: Path, loggers: tuple[str, ...] = ()) -> list[RunInfo]:
    """Every (entry, seed) run of the spec, in spec order except that an entry's runs come
    after those of the entry it starts from (`init_from`); `loggers` as `--log` named them."""
    folders = entry_folders([entry.name for entry in spec.entries])
    runs = []
    for entry in spec.training_order():
        for seed in entry.seeds_or(spec.seeds):
            config = spec.run_config(entry, seed)
            run_dir = run_folder(out / spec.name, folders[entry.name], seed)
            hashes = config_hash(config), training_hash(config)
            runs.append(
                RunInfo(
                    spec.name, entry.name, seed, run_dir, config, *hashes, loggers, entry.init_from
                )
            )
    return runs


@dataclass(frozen=True)
class Plan:
    """Every run of the spec (`runs`, in training order) by what happens to it: trained,
    evaluated again from its checkpoint, or reused with the record that answers it
    (`reused`); `damaged` says, a line each, which records could not be read (their runs
    train again). `seconds` is the wall time of the training with `at_once` runs side by side,
    None when a step budget has no earlier run of the entry to measure its speed by."""

    runs: list[RunInfo]
    train: list[RunInfo]
    reevaluate: list[RunInfo]
    reused: list[RunRecord]
    damaged: list[str]
    seconds: float | None
    at_once: int = 1

    @property
    def todo(self) -> list[RunInfo]:
        """The runs to do, in training order: trained, or evaluated again."""
        doing = {(run.entry, run.seed) for run in [*self.train, *self.reevaluate]}
        return [run for run in self.runs if (run.entry, run.seed) in doing]

    def describe(self) -> str:
        estimate = "unknown" if self.seconds is None else f"~{duration(self.seconds)}"
        side_by_side = f"{self.at_once} runs at once; " if self.at_once > 1 else ""
        return (
            f"{len(self.train)} run(s) to train, {len(self.reevaluate)} to evaluate again from "
            f"their checkpoints, {len(self.reused)} to reuse; estimated training time "
            f"{estimate} ({side_by_side}evaluation extra)"
        )


def make_plan(
    spec: BenchmarkSpec,
    out: Path,
    force: bool = False,
    loggers: tuple[str, ...] = (),
    jobs: int = 1,
) -> Plan:
    """The plan of `spec`'s sweep into `out`, from the records there (all retrained with
    `force`); `jobs`: the runs trained side by side, which divide the training time."""
    runs = plan_runs(spec, out, loggers)
    results_dir = out / spec.name
    scan = find_records(results_dir) if results_dir.exists() else RecordScan()
    train, reevaluate, reused = [], [], []
    for run in runs:
        record = None if force else scan.located.get(run.run_dir)
        if record is not None and reusable(record, run.config_hash):
            reused.append(record)
        elif trained_already(record, run.training_hash) and _has_checkpoint(run):
            reevaluate.append(run)
        else:
            train.append(run)
    at_once = max(1, min(jobs, len(train)))
    seconds = _training_seconds(spec, train, scan.records)
    estimate = None if seconds is None else seconds / at_once
    return Plan(runs, train, reevaluate, reused, scan.damaged, estimate, at_once)


def _has_checkpoint(run: RunInfo) -> bool:
    return RunFiles(run.run_dir).checkpoint.exists()


def _training_seconds(
    spec: BenchmarkSpec, train: Sequence[RunInfo], records: Sequence[RunRecord]
) -> float | None:
    budget = spec.budget
    if budget.seconds is not None:
        return budget.seconds * len(train)
    if not train:
        return 0.0
    speeds: dict[str, float] = {}
    for record in records:
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
