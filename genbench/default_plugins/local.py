"""The `local` executor: one run after another in this process, or `jobs` at once in worker
processes.

Worker processes are forked from a `forkserver` that imported torch and genbench once but ran
nothing (torch is not fork-safe once its thread pools run; `spawn` where there is no
forkserver), and each receives `RunTask`s, not the sweep: the worker rebuilds the registry,
spec and data once and divides the cores with its siblings. A run waits for the run it starts from
(`init_from`, same seed). With `jobs = 1` the runs stay in this process, as before.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import TYPE_CHECKING, Any

from genbench.api.executor import Executor, RunInfo, RunTask, Work
from genbench.api.hookspecs import hookimpl
from genbench.api.params import Param

PRELOAD = ["torch", "genbench.sweep.runner", "genbench.sweep.worker"]
PARAMS = (
    Param(
        "jobs",
        None,
        "runs at once in worker processes; auto: one per core for 2-D point sets on a CPU, else 1",
        type=int,
        minimum=1,
    ),
)

if TYPE_CHECKING:
    from genbench.report.record import RunRecord


def run_locally(runs: Sequence[RunInfo], work: Work, params: dict[str, Any]) -> Iterator[RunRecord]:
    jobs = params.get("jobs") or 1
    if jobs <= 1 or len(runs) <= 1:
        for run in runs:
            yield work(run)
        return
    yield from _run_in_workers(runs, work, min(jobs, len(runs)))


def _run_in_workers(runs: Sequence[RunInfo], work: Work, jobs: int) -> Iterator[RunRecord]:
    """Runs in `jobs` worker processes, each started once a run it starts from has finished."""
    from genbench.sweep.worker import start_worker

    waiting = list(runs)
    keys = {(run.entry, run.seed) for run in runs}
    running: dict[Future[RunRecord], RunInfo] = {}
    context = _context()
    # A forkserver keeps the environment it started with; the workers take this process's.
    settings = {k: v for k, v in os.environ.items() if k.startswith("GENBENCH_")}
    pool = ProcessPoolExecutor(jobs, context, initializer=start_worker, initargs=(jobs, settings))
    try:
        while waiting or running:
            busy = {(run.entry, run.seed) for run in [*waiting, *running.values()]}
            for run in [r for r in waiting if _ready(r, busy, keys)][: jobs - len(running)]:
                waiting.remove(run)
                running[pool.submit(_run_task, work.task(run))] = run
            if not running:
                raise RuntimeError(f"runs wait for runs that never start: {waiting}")
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                running.pop(future)
                yield future.result()
    except BaseException:
        _stop_runs_in_flight(pool)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _stop_runs_in_flight(pool: ProcessPoolExecutor) -> None:
    """Tell every worker to drop its run (Ctrl-C or SIGTERM reached the sweep alone, or it
    failed): each unwinds its run, so shutting the pool down does not wait out a budget and no
    worker goes on training after the sweep has gone. The pool keeps its processes in a private
    map; there is no public way to signal them."""
    for process in list(getattr(pool, "_processes", {}).values()):
        if process.is_alive() and process.pid is not None:
            os.kill(process.pid, signal.SIGTERM)


def _context() -> multiprocessing.context.BaseContext:
    """forkserver with the heavy imports preloaded: a worker starts in a fraction of the time
    that importing torch takes under `spawn`."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    from genbench.plugin_manager import BUILTIN_MODULES

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([*PRELOAD, *BUILTIN_MODULES])
    return context


def _ready(run: RunInfo, busy: set[tuple[str, int]], keys: set[tuple[str, int]]) -> bool:
    """Whether the run it starts from (if any, and if part of this sweep) has finished."""
    parent = (run.init_from, run.seed)
    return run.init_from is None or parent not in keys or parent not in busy


def _run_task(task: RunTask) -> RunRecord:
    from genbench.sweep.interrupt import stop_on_sigterm

    with stop_on_sigterm():
        return task.run()


@hookimpl
def genbench_register_executors(register: Callable[[Executor], None]) -> None:
    register(
        Executor(
            "local",
            "Runs in this process, one after another, or `jobs` at once in worker processes "
            "(default).",
            run_locally,
            PARAMS,
        )
    )
