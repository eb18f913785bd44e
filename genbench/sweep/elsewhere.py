"""Records of runs done elsewhere (Ray tasks, Slurm jobs), written by the sweep's own process.

A remote worker writes its run's record where it runs, but a worker that is killed, runs out
of memory or loses its node writes nothing: the driver would find no row and the sweep would
wait or end without a word. So the driver writes every record it is handed (atomically, the
same bytes if the worker already wrote them) and, for a failure, builds a `failed` record from
the run's facts as the sweep builds any record, with the error that ended the worker.
"""

from __future__ import annotations

import traceback
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from genbench.api.executor import RunInfo
from genbench.report.record import RunError, RunRecord
from genbench.sweep.records import write_record

if TYPE_CHECKING:
    from genbench.sweep.runner import Sweep


def keep_record(sweep: Sweep, run: RunInfo, outcome: RunRecord | BaseException) -> RunRecord:
    """Write `outcome` (the worker's record, or the exception that ended the worker) as the
    run's record in the results folder; returns the record written."""
    if isinstance(outcome, RunRecord):
        record = outcome
    else:
        record = sweep.single_run().new_record(run)
        record.error = run_error(outcome)
        record.finished_at = datetime.now(UTC).isoformat(timespec="seconds")
    write_record(run.run_dir, record)
    sweep.kept += 1
    return record


def run_error(exc: BaseException) -> RunError:
    """The error of a failed run: its type, its first line (the table's reason) and the
    traceback as far as it is known."""
    text = str(exc).strip()
    message = text.splitlines()[0] if text else type(exc).__name__
    trace = "".join(traceback.format_exception(exc))
    return RunError(type=type(exc).__name__, message=message, traceback=trace)
