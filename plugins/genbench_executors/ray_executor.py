"""The `ray` executor: each run a Ray task that does `RunTask.run()` with the CPUs and GPUs it
reserves, on a Ray started for the sweep or on a cluster (`address`).

The task's worker divides its node's cores by the CPUs it reserved, so runs packed onto one
node each get their share (the record's `jobs`). Runs that start from another (`init_from`)
are submitted once it has finished. A task is not retried unless asked (`retries`): a worker
that dies becomes a `failed` row, written here with Ray's reason. The results folder must be
one every node sees at the same path (a shared filesystem) when the cluster has other nodes.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

from genbench.api import RunInfo, RunRecord, UserError, Work
from genbench.api.executor import RunTask, TaskRunner
from genbench.api.schedule import run_scheduled

INSTALL = "the ray executor needs Ray: pip install 'genbench[ray]'"


def run_on_ray(runs: Sequence[RunInfo], work: Work, params: dict[str, Any]) -> Iterator[RunRecord]:
    ray = import_ray()
    started = connect(ray, params)
    try:
        yield from run_scheduled(runs, work, RayBackend(ray, params))
    finally:
        if started:
            ray.shutdown()


def import_ray() -> Any:
    try:
        import ray
    except ImportError:
        raise UserError(INSTALL) from None
    return ray


def connect(ray: Any, params: dict[str, Any]) -> bool:
    """Join the cluster that `address` names (the spec's, or `--address`), else start a local
    Ray; True when this call started (or joined) Ray and so must shut it down."""
    if ray.is_initialized():
        return False
    address = params.get("address")
    # The workers take this process's genbench settings (cache and data folders, plugins).
    settings = {k: v for k, v in os.environ.items() if k.startswith("GENBENCH_")}
    runtime_env = {"env_vars": settings}
    if address:
        try:
            ray.init(address=address, runtime_env=runtime_env, log_to_driver=False)
        except ConnectionError as exc:
            raise UserError(
                f"ray: cannot join the cluster at {address!r} ({exc}); start it with "
                "`ray start --head` or give another address"
            ) from None
        return True
    ray.init(
        num_cpus=params.get("local_cpus") or math.floor(_cpus()),
        object_store_memory=int(params.get("object_store_mb", 200)) * 1024 * 1024,
        include_dashboard=False,
        runtime_env=runtime_env,
        log_to_driver=False,
        configure_logging=False,
    )
    return True


class RayBackend:
    """Ray tasks as `genbench.api.schedule.Backend` handles (object refs); Ray's resources
    decide how many run at once."""

    slots = None

    def __init__(self, ray: Any, params: dict[str, Any]) -> None:
        self.ray = ray
        cpus, gpus = float(params.get("num_cpus", 1.0)), float(params.get("num_gpus", 0.0))
        options: dict[str, Any] = {"num_cpus": cpus, "max_retries": int(params.get("retries", 0))}
        if gpus:
            options["num_gpus"] = gpus
        self.remote = ray.remote(run_ray_task).options(**options)
        self.cpus = cpus

    def submit(self, run_task: TaskRunner, task: RunTask) -> Any:
        return self.remote.remote(run_task, task, self.cpus)

    def wait(self, handles: list[Any]) -> list[Any]:
        done, _ = self.ray.wait(handles, num_returns=1)
        return list(done)

    def result(self, handle: Any) -> RunRecord:
        try:
            record: RunRecord = self.ray.get(handle)
        except self.ray.exceptions.RayTaskError as exc:
            cause = getattr(exc, "cause", None)  # the run's own exception, raised in the task
            raise (cause if isinstance(cause, Exception) else exc) from None
        return record

    def cancel(self, handles: list[Any]) -> None:
        for handle in handles:
            self.ray.cancel(handle, force=True)


def run_ray_task(run_task: TaskRunner, task: RunTask, cpus: float) -> RunRecord:
    """In a Ray worker: the run, its torch threads the CPUs it reserved."""
    import torch

    jobs = max(1, math.floor(_cpus() / max(cpus, 1.0)))
    torch.set_num_threads(max(1, math.floor(cpus)))
    return run_task(replace(task, jobs=jobs))


def _cpus() -> float:
    try:
        return float(len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return float(os.cpu_count() or 1)
