"""Run records on disk: one JSON file per run, written atomically."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from genbench.api.storage import write_atomic

RECORD_FILE = "record.json"
REUSABLE_STATUSES = ("ok", "diverged")


def write_record(run_dir: Path, record: dict[str, Any]) -> None:
    text = json.dumps(record, indent=2, sort_keys=True, default=str) + "\n"
    write_atomic(run_dir / RECORD_FILE, text.encode())


def read_record(run_dir: Path) -> dict[str, Any] | None:
    """The run's record, or None if it is missing or unreadable (then the run trains again)."""
    try:
        return json.loads((run_dir / RECORD_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def reusable(record: dict[str, Any] | None, config_hash: str) -> bool:
    """Whether a finished record answers this configuration (failed runs are retried)."""
    return _finished_with(record, "config_hash", config_hash)


def trained_already(record: dict[str, Any] | None, training_hash: str) -> bool:
    """Whether a record's training answers this configuration, whatever its evaluation."""
    return _finished_with(record, "training_hash", training_hash)


def _finished_with(record: dict[str, Any] | None, key: str, value: str) -> bool:
    return (
        record is not None
        and record.get(key) == value
        and record.get("status") in REUSABLE_STATUSES
    )


def find_records(results_dir: Path) -> list[dict[str, Any]]:
    """Every readable record under a benchmark's results folder."""
    records = []
    for path in sorted(results_dir.glob(f"runs/*/*/{RECORD_FILE}")):
        record = read_record(path.parent)
        if record is not None:
            records.append(record)
    return records
