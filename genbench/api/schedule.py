"""The one scheduler every executor that runs elsewhere shares: local worker processes, Ray
tasks, Slurm jobs.

Runs are submitted in dependency order (a run whose `init_from` parent, same seed, is still
waiting or in flight waits for it), at most `backend.slots` at a time (None: every ready run
at once, and the cluster's own scheduler decides). Whatever a handle ends with, a record or
an exception, goes to `work.keep`, so a worker that dies, a job the cluster kills or a node
that is lost is a `failed` row and the sweep goes on. Handles still in flight when the sweep
stops (Ctrl-C, an error) are cancelled.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Generic, Protocol, TypeVar

from genbench.api.executor import RunInfo, RunTask, TaskRunner, Work
from genbench.api.record import RunRecord

Handle = TypeVar("Handle")


class Backend(Protocol, Generic[Handle]):
    """How one kind of worker starts a task and reports on it."""

    @property
    def slots(self) -> int | None:
        """Tasks in flight at once; None: no limit here."""
        ...

    def submit(self, run_task: TaskRunner, task: RunTask) -> Handle:
        """Start `run_task(task)` elsewhere."""
        ...

    def wait(self, handles: list[Handle]) -> list[Handle]:
        """Blocks until at least one of `handles` has finished; returns the finished ones."""
        ...

    def result(self, handle: Handle) -> RunRecord:
        """The finished task's record; raises what ended its worker or job."""
        ...

    def cancel(self, handles: list[Handle]) -> None: ...


def run_scheduled(
    runs: Sequence[RunInfo], work: Work, backend: Backend[Handle]
) -> Iterator[RunRecord]:
    """Submit `runs` in dependency order and yield each record, written here, as it comes."""
    waiting = list(runs)
    keys = {(run.entry, run.seed) for run in runs}
    running: dict[int, tuple[Handle, RunInfo]] = {}
    try:
        while waiting or running:
            busy = {(run.entry, run.seed) for run in [*waiting, *(r for _, r in running.values())]}
            free = len(waiting) if backend.slots is None else backend.slots - len(running)
            for run in [r for r in waiting if parent_done(r, busy, keys)][: max(0, free)]:
                waiting.remove(run)
                handle = backend.submit(work.run_task, work.task(run))
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


def parent_done(run: RunInfo, busy: set[tuple[str, int]], keys: set[tuple[str, int]]) -> bool:
    """Whether the run it starts from (if any, and if part of this sweep) has finished."""
    parent = (run.init_from or "", run.seed)
    return run.init_from is None or parent not in keys or parent not in busy
