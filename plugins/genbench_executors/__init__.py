"""Executors that run a sweep beyond this process: Ray (a local Ray or a cluster) and Slurm
(through submitit), registered as any plugin would be. Each ships `RunTask`s to its workers and
hands what comes back to `work.keep`, so the records are written by the sweep's process; the
libraries are imported when a sweep uses them, so the plugin loads without either installed."""

from __future__ import annotations

from collections.abc import Callable

from genbench.api import Executor, hookimpl
from genbench_executors.catalog import RAY, SLURM


@hookimpl
def genbench_register_executors(register: Callable[[Executor], None]) -> None:
    register(RAY)
    register(SLURM)
