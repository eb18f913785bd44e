"""Worker processes on this machine, as a `genbench.api.schedule.Backend`.

Each worker is a process of its own, forked from a `forkserver` that imported torch and genbench
once but ran nothing (torch is not fork-safe once its thread pools run; `spawn` where there is
no forkserver). A worker takes one task at a time over a pipe and keeps what it prepared
(registry, spec, data) for the next task of the same sweep. A worker that dies (killed, out of
memory) fails only its own run: the scheduler records it as `failed`, and the next task gets a
fresh worker. Stopping the sweep (Ctrl-C, SIGTERM) tells every busy worker to drop its run by
SIGTERM, so none trains on after the sweep has gone.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import signal
from multiprocessing.connection import Connection, wait
from types import TracebackType
from typing import Any

from genbench.api.executor import RunTask, TaskRunner
from genbench.api.record import RunRecord

PRELOAD = ["torch", "genbench.sweep.worker"]
JOIN_SECONDS = 10.0


class WorkerDied(RuntimeError):
    """A worker process ended while its run was in flight."""


class Worker:
    """One worker process and the parent's end of its pipe; also the handle of its task."""

    def __init__(self, context: Any, jobs: int, settings: dict[str, str]) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=serve, args=(child, jobs, settings), daemon=True)
        self.process.start()
        child.close()  # so the parent reads end-of-file when the worker dies

    def died(self) -> WorkerDied:
        self.process.join(JOIN_SECONDS)
        code = self.process.exitcode
        how = f"killed by {signal.Signals(-code).name}" if code and code < 0 else f"exit {code}"
        return WorkerDied(f"worker process {self.process.pid} died while training ({how})")


class WorkerProcesses:
    """`jobs` worker processes at most, started as tasks need them."""

    def __init__(self, jobs: int) -> None:
        self.slots = jobs
        self.context = _context()
        # A forkserver keeps the environment it started with; the workers take this process's.
        self.settings = {k: v for k, v in os.environ.items() if k.startswith("GENBENCH_")}
        self.idle: list[Worker] = []
        self.busy: list[Worker] = []

    def submit(self, run_task: TaskRunner, task: RunTask) -> Worker:
        worker = self.idle.pop() if self.idle else Worker(self.context, self.slots, self.settings)
        worker.conn.send((run_task, task))
        self.busy.append(worker)
        return worker

    def wait(self, handles: list[Worker]) -> list[Worker]:
        ready = wait([worker.conn for worker in handles])
        return [worker for worker in handles if worker.conn in ready]

    def result(self, handle: Worker) -> RunRecord:
        self.busy.remove(handle)
        try:
            outcome = handle.conn.recv()
        except (EOFError, OSError):
            raise handle.died() from None
        self.idle.append(handle)
        if isinstance(outcome, BaseException):
            raise outcome
        record: RunRecord = outcome
        return record

    def cancel(self, handles: list[Worker]) -> None:
        """Tell each busy worker to drop its run: it unwinds, so closing does not wait out a
        budget."""
        for worker in handles:
            if worker.process.is_alive() and worker.process.pid is not None:
                os.kill(worker.process.pid, signal.SIGTERM)

    def __enter__(self) -> WorkerProcesses:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        workers = [*self.idle, *self.busy]
        for worker in workers:
            with contextlib.suppress(OSError):  # a worker that is gone already
                worker.conn.send(None)
        for worker in workers:
            worker.process.join(JOIN_SECONDS)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.conn.close()


def serve(conn: Connection, jobs: int, settings: dict[str, str]) -> None:
    """A worker's life: tasks in, records (or what a task raised) out, until told to stop."""
    from genbench.sweep.interrupt import stop_on_sigterm
    from genbench.sweep.worker import start_worker

    start_worker(jobs, settings)
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        run_task, task = message
        try:
            with stop_on_sigterm():
                outcome: Any = run_task(task)
        except BaseException as exc:  # the sweep decides what a task's exception means
            outcome = _picklable(exc)
        conn.send(outcome)


def _picklable(exc: BaseException) -> BaseException:
    try:
        pickle.dumps(exc)
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc


def _context() -> Any:
    """forkserver with the heavy imports preloaded: a worker starts in a fraction of the time
    that importing torch takes under `spawn`."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    from genbench.plugin_manager import BUILTIN_MODULES

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([*PRELOAD, *BUILTIN_MODULES])
    return context
