"""The worker side of a `RunTask`: rebuild what a run needs in this process and do the run.

A task carries only paths and names, so it crosses process (and machine) boundaries; the
worker loads the registry and the spec, and prepares the data and the evaluator once per
process and sweep, so a worker that does several runs of one sweep pays for them once.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from genbench.api.executor import RunTask
from genbench.errors import UserError

if TYPE_CHECKING:
    from genbench.report.record import RunRecord
    from genbench.sweep.runner import Sweep

# One prepared sweep per (spec, overrides, results folder, force, jobs) in this process.
_SWEEPS: dict[tuple[Any, ...], Sweep] = {}


def run_task(task: RunTask) -> RunRecord:
    """Train, evaluate and record the task's run; returns its record (also written to disk)."""
    sweep = _sweep(task)
    run = next((r for r in sweep.runs if (r.entry, r.seed) == (task.entry, task.seed)), None)
    if run is None or run.config_hash != task.config_hash:
        raise UserError(
            f"{task.spec_path}: changed since the sweep was planned "
            f"({task.entry!r} seed {task.seed} has another configuration now)"
        )
    return sweep.work(run)


def start_worker(jobs: int, settings: dict[str, str] | None = None) -> None:
    """Initialise a worker process that shares the machine with `jobs - 1` others: torch's
    threads (for evaluation too, not only training) are its share of the cores; `settings`
    are the parent's GENBENCH_* environment variables. Ctrl-C and SIGTERM are the sweep's to
    act on (see `genbench.sweep.interrupt`)."""
    import os

    import torch

    from genbench.sweep.interrupt import ignore_stop_signals
    from genbench.sweep.threads import available_cpus

    ignore_stop_signals()
    os.environ.update(settings or {})
    torch.set_num_threads(max(1, math.floor(available_cpus() / max(1, jobs))))


def _sweep(task: RunTask) -> Sweep:
    key: tuple[Any, ...] = (str(task.spec_path), tuple(sorted(task.overrides.items())))
    key += (str(task.out), task.force, task.jobs, task.loggers)
    if key not in _SWEEPS:
        from rich.console import Console

        from genbench import registry as registry_module
        from genbench.registry import Registry
        from genbench.sweep.runner import Sweep
        from genbench.sweep.spec import Overrides, load_spec

        registry = Registry.load()
        registry_module.activate(registry)
        overrides = Overrides(**task.overrides)
        spec = load_spec(Path(task.spec_path), registry, overrides)
        console = Console(quiet=True)
        sweep = Sweep(
            spec,
            registry,
            Path(task.out),
            force=task.force,
            console=console,
            loggers=task.loggers,
            jobs=task.jobs,
            overrides=overrides,
        )
        _SWEEPS[key] = sweep
    return _SWEEPS[key]
