"""The terminal reporter: a sweep's progress on the terminal, drawn from the hooks alone.

Like pytest's terminal reporter it is a plugin on the same hooks any plugin can implement; the
sweep itself prints nothing. `genbench run` registers one for the length of the sweep: a bar
for the sweep (reused runs count as done from the start, and the time left is estimated from
the runs finished so far, else from the budget), a bar per run trained in this process (by
the share of its budget spent), a line per run kept, and the sweep's warnings.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.status import Status

from genbench.api.executor import RunInfo, SweepInfo
from genbench.api.hookspecs import hookimpl
from genbench.api.record import RunRecord
from genbench.api.search import SearchProgress
from genbench.registry import Registry
from genbench.sweep.plan import duration

PLUGIN_NAME = "genbench-terminal"


class TerminalReporter:
    """Draws one sweep at a time on `console`."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.progress: Progress | None = None
        self.sweep_bar: TaskID | None = None
        self.run_bars: dict[tuple[str, int], TaskID] = {}
        self.status: Status | None = None
        self.sweep: SweepInfo | None = None
        self.started = 0.0
        self.finished = 0

    @hookimpl
    def genbench_sweep_status(self, message: str) -> None:
        self._end_status()
        self.status = self.console.status(escape(message))
        self.status.start()

    @hookimpl
    def genbench_sweep_warning(self, message: str) -> None:
        self._end_status()
        self.console.print(f"[bold yellow]warning:[/] {escape(message)}", soft_wrap=True)

    @hookimpl
    def genbench_sweep_started(self, sweep: SweepInfo) -> None:
        self._end_status()
        self.sweep, self.started, self.finished = sweep, time.perf_counter(), 0
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed:.0f}/{task.total:.0f}"),
            TimeElapsedColumn(),
            TextColumn("{task.fields[info]}"),
            console=self.console,
        )
        self.progress.start()
        self.sweep_bar = self.progress.add_task(
            sweep.benchmark, total=sweep.runs, completed=sweep.reused, info=self._eta()
        )

    @hookimpl
    def genbench_run_started(self, run: RunInfo) -> None:
        if self.progress is not None:
            bar = self.progress.add_task(f"  {run.entry} · seed {run.seed}", total=1.0, info="")
            self.run_bars[(run.entry, run.seed)] = bar

    @hookimpl
    def genbench_train_log(
        self, run: RunInfo, step: int, scalars: dict[str, float], progress: float
    ) -> None:
        bar = self.run_bars.get((run.entry, run.seed))
        if self.progress is not None and bar is not None:
            text = " ".join(f"{k} {v:.3f}" for k, v in scalars.items())
            self.progress.update(bar, completed=progress, info=f"step {step} {text}")

    @hookimpl
    def genbench_run_finished(self, run: RunInfo, record: RunRecord) -> None:
        bar = self.run_bars.pop((run.entry, run.seed), None)
        if self.progress is not None and bar is not None:
            self.progress.remove_task(bar)

    @hookimpl
    def genbench_run_kept(self, run: RunInfo, record: RunRecord) -> None:
        self.finished += 1
        if self.progress is not None and self.sweep_bar is not None:
            self.progress.update(self.sweep_bar, advance=1, info=self._eta())
        self.console.print(describe_run(record))

    @hookimpl
    def genbench_sweep_finished(self, sweep: SweepInfo) -> None:
        if self.progress is not None:
            self.progress.stop()
        self.progress, self.sweep_bar, self.run_bars = None, None, {}

    @hookimpl
    def genbench_search_progress(self, progress: SearchProgress) -> None:
        self.console.print(describe_search(progress), soft_wrap=True)

    def close(self) -> None:
        """Stop whatever is still drawn (a sweep that raised before it started)."""
        self._end_status()
        if self.progress is not None:
            self.progress.stop()

    def _end_status(self) -> None:
        if self.status is not None:
            self.status.stop()
            self.status = None

    def _eta(self) -> str:
        """The time left: from the runs finished so far, else from the budget."""
        sweep = self.sweep
        if sweep is None:
            return ""
        left = sweep.runs - sweep.reused - self.finished
        if left == 0:
            return ""
        if self.finished:
            per_run: float | None = (time.perf_counter() - self.started) / self.finished
        elif sweep.budget_seconds is not None:
            per_run = sweep.budget_seconds / sweep.jobs
        else:
            per_run = None
        return "ETA ?" if per_run is None else f"ETA ~{duration(left * per_run)}"


def describe_run(record: RunRecord) -> str:
    """A kept run as one line of rich markup: status, entry, seed, steps, seconds, why."""
    style = {"ok": "green", "diverged": "yellow", "pruned": "blue"}.get(record.status, "red")
    detail = ""
    if record.diverged is not None:
        detail = f": {record.diverged.reason}"
    elif record.pruned is not None:
        detail = f": {record.pruned.reason}"
    elif record.error is not None:
        detail = f": {record.error.message}"
    if record.training_reused:
        detail += ", evaluated again from its checkpoint"
    train = record.train
    text = f"{record.entry} seed {record.seed} ({train.steps} steps, {train.seconds:.1f}s){detail}"
    return f"[{style}]{record.status}[/] {escape(text)}"


def describe_search(progress: SearchProgress) -> str:
    """A search after a round as one line of rich markup: trials done of all, pruned and
    failed, each entry's best so far, and the time left."""
    entries = progress.entries
    done = sum(e.done for e in entries)
    total = progress.trials * len(entries)
    pruned, failed = sum(e.pruned for e in entries), sum(e.failed for e in entries)
    best = ", ".join(f"{e.entry} {'-' if e.best is None else f'{e.best:.4g}'}" for e in entries)
    left = "" if progress.seconds_left is None else f"; ~{duration(progress.seconds_left)} left"
    text = (
        f"{progress.benchmark}: {done}/{total} trials ({pruned} pruned, {failed} failed); "
        f"best {progress.metric}: {best}{left}"
    )
    return f"[bold cyan]search[/] {escape(text)}"


@contextmanager
def reporting(registry: Registry, console: Console) -> Iterator[TerminalReporter]:
    """A terminal reporter on `registry`'s hooks for the length of the block."""
    reporter = TerminalReporter(console)
    registry.pm.register(reporter, name=PLUGIN_NAME)
    try:
        yield reporter
    finally:
        reporter.close()
        registry.pm.unregister(name=PLUGIN_NAME)
