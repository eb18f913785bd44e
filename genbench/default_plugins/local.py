"""The `local` executor: one run after another, in this process."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from genbench.api.executor import Executor, RunInfo, Work
from genbench.api.hookspecs import hookimpl

if TYPE_CHECKING:
    from genbench.report.record import RunRecord


def run_locally(runs: Sequence[RunInfo], work: Work, params: dict[str, Any]) -> Iterator[RunRecord]:
    for run in runs:
        yield work(run)


@hookimpl
def genbench_register_executors(register: Callable[[Executor], None]) -> None:
    register(Executor("local", "Runs one after another in this process (default).", run_locally))
