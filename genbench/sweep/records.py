"""Run records on disk: one JSON file per run (a `RunRecord`), written atomically.

A record that cannot be read is damaged, not absent: `find_records` returns it with the
reason, so a report says which run is left out and a sweep trains it again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeGuard

from genbench.api.executor import RunInfo
from genbench.api.layout import RunFiles, SearchFiles, record_paths, searched_entry
from genbench.api.record import RecordError, RunRecord
from genbench.api.storage import write_atomic

REUSABLE_STATUSES = ("ok", "diverged", "pruned")


def write_record(run_dir: Path, record: RunRecord) -> None:
    write_atomic(RunFiles(run_dir).record, record.to_json().encode())


def read_record(run_dir: Path) -> RunRecord | None:
    """The run's record; None if it has none; RecordError naming the file if it is damaged
    (truncated, not JSON, a field missing or of the wrong type)."""
    path = RunFiles(run_dir).record
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise RecordError(f"{path}: damaged record ({exc})") from None
    try:
        return RunRecord.from_json(text)
    except RecordError as exc:
        raise RecordError(f"{path}: damaged record ({exc})") from None


def read_record_or_none(run_dir: Path) -> RunRecord | None:
    """The record if it is readable, else None (a damaged run trains again)."""
    try:
        return read_record(run_dir)
    except RecordError:
        return None


def reusable(record: RunRecord | None, config_hash: str) -> bool:
    """Whether a finished record answers this configuration (failed runs are retried)."""
    return (
        record is not None
        and record.config_hash == config_hash
        and record.status in REUSABLE_STATUSES
    )


def reusable_training(run: RunInfo, force: bool) -> RunRecord | None:
    """The earlier record of `run` whose training answers its configuration, with the
    checkpoint beside it, so the run is only evaluated again; None when it must train."""
    previous = None if force else read_record_or_none(run.run_dir)
    if trained_already(previous, run.training_hash) and RunFiles(run.run_dir).checkpoint.exists():
        return previous
    return None


def trained_already(record: RunRecord | None, training_hash: str) -> TypeGuard[RunRecord]:
    """Whether a record's training answers this configuration, whatever its evaluation (a
    record that does is not None)."""
    return (
        record is not None
        and bool(record.training_hash)
        and record.training_hash == training_hash
        and record.status in REUSABLE_STATUSES
    )


@dataclass
class RecordScan:
    """The readable records of a results folder by run folder and, for each damaged one, why."""

    located: dict[Path, RunRecord] = field(default_factory=dict)
    damaged: list[str] = field(default_factory=list)

    @property
    def records(self) -> list[RunRecord]:
        return list(self.located.values())


def find_records(results_dir: Path) -> RecordScan:
    """Every record under a benchmark's results folder, readable or damaged."""
    scan = RecordScan()
    for path in record_paths(results_dir):
        try:
            record = read_record(path.parent)
        except RecordError as exc:
            scan.damaged.append(str(exc))
            continue
        if record is not None:
            scan.located[path.parent] = record
    return scan


def trial_records(results_dir: Path) -> dict[str, list[RunRecord]]:
    """The readable records of a benchmark's search trials, by the entry searched, in trial
    order; empty without a search."""
    folder = SearchFiles(results_dir).trials
    by_entry: dict[str, list[RunRecord]] = {}
    if not folder.is_dir():
        return by_entry
    records = sorted(find_records(folder).records, key=lambda r: searched_entry(r.entry)[1])
    for record in records:
        by_entry.setdefault(searched_entry(record.entry)[0], []).append(record)
    return by_entry
