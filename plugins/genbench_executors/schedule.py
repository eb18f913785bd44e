"""Dependency-ordered submission shared by the remote executors.

Every run whose parent (`init_from`, same seed) is not waiting or in flight is submitted at
once; the cluster's scheduler (Ray's resources, Slurm's queue) decides how many run together.
Whatever a handle ends with, a record or an exception, goes to `work.keep`, so a lost worker
is a `failed` row and the sweep goes on.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Generic, Protocol, TypeVar

from genbench.api import RunInfo, RunRecord, Work
from genbench.api.executor import RunTask

Handle = TypeVar("Handle")


class Backend(Protocol, Generic[Handle]):
    """How one kind of cluster starts a task and reports on it."""

    def submit(self, task: RunTask) -> Handle: ...

    def wait(self, handles: list[Handle]) -> list[Handle]:
        """Blocks until at least one of `handles` has finished; returns the finished ones."""
        ...

    def result(self, handle: Handle) -> RunRecord:
        """The finished task's record; raises what ended its worker or job."""
        ...

    def cancel(self, handles: list[Handle]) -> None: ...


def run_remotely(
    runs: Sequence[RunInfo], work: Work, backend: Backend[Handle]
) -> Iterator[RunRecord]:
    """Submit `runs` in dependency order and yield each record, written here, as it comes."""
    waiting = list(runs)
    keys = {(run.entry, run.seed) for run in runs}
    running: dict[int, tuple[Handle, RunInfo]] = {}
    try:
        while waiting or running:
            busy = {(run.entry, run.seed) for run in [*waiting, *(r for _, r in running.values())]}
            for run in [r for r in waiting if ready(r, busy, keys)]:
                waiting.remove(run)
                handle = backend.submit(work.task(run))
                running[id(handle)] = (handle, run)
            if not running:
                raise RuntimeError(f"runs wait for runs that never start: {waiting}")
            for handle in backend.wait([h for h, _ in running.values()]):
                _, run = running.pop(id(handle))
                outcome: RunRecord | BaseException
                try:
                    outcome = backend.result(handle)
                except Exception as exc:  # the worker's failure is the run's row
                    outcome = exc
                yield work.keep(run, outcome)
    finally:
        if running:
            backend.cancel([h for h, _ in running.values()])


def ready(run: RunInfo, busy: set[tuple[str, int]], keys: set[tuple[str, int]]) -> bool:
    """Whether the run it starts from (if any, and if part of this sweep) has finished."""
    parent = (run.init_from, run.seed)
    return run.init_from is None or parent not in keys or parent not in busy
