"""The worker side of a `RunTask`: rebuild what a run needs in this process and do the run.

A task carries only paths and names, so it crosses process (and machine) boundaries; the
worker loads the registry and the spec, plans the sweep's runs (to find this one and the run it
starts from) and prepares the data and the evaluator once per process and sweep, so a worker
that does several runs of one sweep pays for them once. No sweep is built here: the sweep, its
lock and its table belong to the process that started it.
"""

from __future__ import annotations

import hashlib
import math
from pathlib import Path
from typing import Any

from genbench.api.executor import RunInfo, RunTask
from genbench.api.record import RunRecord
from genbench.devices import resolve_device, world_size
from genbench.engine.parallel import DataParallel
from genbench.errors import UserError
from genbench.registry import Registry, activate
from genbench.spec.benchmark import BenchmarkSpec, Overrides
from genbench.spec.load import load_spec
from genbench.sweep.one_run import OneRun
from genbench.sweep.plan import plan_runs
from genbench.sweep.preparation import load_data, prepare
from genbench.sweep.ranks import check_batches, follow_run, join
from genbench.sweep.records import read_record, reusable_training
from genbench.sweep.run_models import RunModels

# What this process has built: the registry once; per sweep its spec and runs, and the
# `OneRun` that prepared its data (made on the first task that is not refused).
_REGISTRY: list[Registry] = []
_SWEEPS: dict[tuple[Any, ...], tuple[BenchmarkSpec, list[RunInfo]]] = {}
_RUNNERS: dict[tuple[Any, ...], OneRun] = {}


def run_task(task: RunTask) -> RunRecord:
    """Train, evaluate and record the task's run; returns its record (also written to disk).
    Module-level, so it pickles by reference: the sweep hands it to every executor."""
    # The spec's bytes are part of the key: a worker that lives on between sweeps (a Ray
    # worker; a search's rounds rewrite one spec file) must not run a new sweep's task on the
    # runs it planned for an old one.
    text = hashlib.sha256(Path(task.spec_path).read_bytes()).hexdigest()
    key: tuple[Any, ...] = (str(task.spec_path), text, tuple(sorted(task.overrides.items())))
    key += (str(task.out), task.force, task.jobs, task.loggers)
    registry = _registry()
    if key not in _SWEEPS:
        spec = load_spec(Path(task.spec_path), registry, Overrides(**task.overrides))
        _SWEEPS[key] = spec, plan_runs(spec, Path(task.out), task.loggers)
    spec, runs = _SWEEPS[key]
    run = next((r for r in runs if (r.entry, r.seed) == (task.entry, task.seed)), None)
    if run is None or run.config_hash != task.config_hash:
        raise UserError(
            f"{task.spec_path}: changed since the sweep was planned "
            f"({task.entry!r} seed {task.seed} has another configuration now)"
        )
    parallel = None
    if world_size() > 1:  # a task of a job that trains its run on several ranks
        parallel = _ranks(spec)
        if parallel.rank > 0:
            return _follow(task, registry, spec, runs, run, parallel)
    if key not in _RUNNERS:
        _RUNNERS[key] = _one_run(task, registry, spec, runs, parallel)
    return _RUNNERS[key].observed(run, registry.hook)


def start_worker(jobs: int, settings: dict[str, str] | None = None) -> None:
    """Initialise a worker process that shares the machine with `jobs - 1` others: torch's
    threads (for evaluation too, not only training) are its share of the cores; `settings`
    are the parent's GENBENCH_* environment variables. Ctrl-C and SIGTERM are the sweep's to
    act on (see `genbench.sweep.interrupt`)."""
    import os

    import torch

    from genbench.engine.threads import available_cpus
    from genbench.sweep.interrupt import ignore_stop_signals

    ignore_stop_signals()
    os.environ.update(settings or {})
    torch.set_num_threads(max(1, math.floor(available_cpus() / max(1, jobs))))


def _registry() -> Registry:
    if not _REGISTRY:
        _REGISTRY.append(Registry.load())
        activate(_REGISTRY[0])
    return _REGISTRY[0]


def _one_run(
    task: RunTask,
    registry: Registry,
    spec: BenchmarkSpec,
    runs: list[RunInfo],
    parallel: DataParallel | None,
) -> OneRun:
    results_dir = Path(task.out) / spec.name
    prepared = prepare(spec, registry)
    return OneRun(
        spec, registry, runs, results_dir, prepared, jobs=task.jobs, force=task.force,
        parallel=parallel,
    )  # fmt: skip


def _ranks(spec: BenchmarkSpec) -> DataParallel:
    """This task's rank among its job's, the spec's batches checked to split over them."""
    check_batches(spec, world_size())
    return join(resolve_device(spec.device))


def _follow(
    task: RunTask,
    registry: Registry,
    spec: BenchmarkSpec,
    runs: list[RunInfo],
    run: RunInfo,
    parallel: DataParallel,
) -> RunRecord:
    """A task after the first of its job: train the run beside the first, then return the
    record the first wrote (`genbench.sweep.ranks`)."""
    if reusable_training(run, task.force) is None:
        data = load_data(spec, registry, parallel.device)
        models = RunModels(spec, registry, runs, data, parallel.device)
        follow_run(run, models, data, spec.budget, parallel)
    record = read_record(run.run_dir)
    if record is None:
        raise UserError(f"{run.run_dir}: the first rank wrote no record of this run")
    return record
