"""How many CPU threads a run may use, and whether it really got them.

torch's default (one intra-op thread per core) is wrong twice on a shared machine: it ignores
the affinity mask and the container's CPU quota, and its OpenMP threads spin while they wait,
so two processes that each take every core slow each other down by 30-60x instead of 2x (on
2 cores, two runs on ring-8 trained at 6-8 it/s each against 470 alone). So a run takes the
cores it may use (affinity, cgroup quota) divided by the sweep's parallel jobs, and one
thread when its work is too small to split; `CpuShare` watches the CPU time the process gets
and falls back to one thread when it loses its cores to a neighbour, and says so (`contended`)
so a time budget that was not really granted is never compared silently.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import torch

CGROUP_ROOT = Path("/sys/fs/cgroup")
# Per-step multiply-adds (parameters x batch, forward) below which a second thread costs more
# in synchronisation than it saves: the 2-D toy MLP at batch 64 (4e6) runs fastest on one
# thread; the seeds' MNIST MLP (2e8) gains from two.
SMALL_WORK_MACS = 2e7
# A run is contended when it got less than this share of the CPU time its threads were planned
# (wall seconds x threads); an uncontended run measures 0.9-1.0 per thread.
CONTENDED_SHARE = 0.7
# How often (seconds of wall time) the share is checked during training.
CHECK_EVERY = 0.5
# Runs shorter than this (seconds of training) are never flagged: over a few scheduler slices
# the share says more about start-up (first-call allocations, lazy initialisation) than about
# neighbours, and so short a run's budget is not a time budget worth protecting.
MIN_FLAGGED_SECONDS = 2.0


def cgroup_cpu_limit(root: Path = CGROUP_ROOT) -> float | None:
    """CPUs the container's quota allows (cgroup v2 `cpu.max`, v1 `cfs_quota_us`), or None."""
    candidates = (
        (root / "cpu.max", None),
        (root / "cpu" / "cpu.cfs_quota_us", root / "cpu" / "cpu.cfs_period_us"),
        (root / "cpu,cpuacct" / "cpu.cfs_quota_us", root / "cpu,cpuacct" / "cpu.cfs_period_us"),
    )
    for quota_file, period_file in candidates:
        try:
            text = quota_file.read_text().split()
            if period_file is not None:
                text = [text[0], period_file.read_text().split()[0]]
        except (OSError, IndexError):
            continue
        if len(text) < 2 or text[0] in ("max", "-1"):
            return None
        try:
            quota, period = float(text[0]), float(text[1])
        except ValueError:
            return None
        return quota / period if quota > 0 and period > 0 else None
    return None


def available_cpus() -> float:
    """CPUs this process may use: its affinity mask, capped by the cgroup CPU quota."""
    try:
        cpus: float = len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        cpus = os.cpu_count() or 1
    limit = cgroup_cpu_limit()
    return min(cpus, limit) if limit is not None else cpus


def plan_threads(cpus: float, jobs: int = 1, work_macs: float | None = None) -> int:
    """Intra-op threads for one of `jobs` runs sharing `cpus`: a whole share of the cores, at
    least one, and one for work too small to split."""
    if work_macs is not None and work_macs < SMALL_WORK_MACS:
        return 1
    return max(1, math.floor(cpus / max(1, jobs)))


def work_macs(model: torch.nn.Module, batch_size: int) -> float:
    """A rough size of one forward pass: parameters x batch (exact for MLPs)."""
    return float(sum(p.numel() for p in model.parameters()) * batch_size)


@contextmanager
def thread_limit(threads: int) -> Iterator[None]:
    """torch's intra-op threads set to `threads` inside the block, restored after it."""
    previous = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


class CpuShare:
    """The CPU time a training loop gets against the time its threads were planned.

    `start`/`pause` follow the training clock. `check()`, called once per step, measures the
    share every `CHECK_EVERY` seconds; when a multi-threaded run gets less than
    `CONTENDED_SHARE` of its threads' time, a neighbour holds the cores and spinning OpenMP
    threads would only fight over them, so it drops to one thread (`fell_back`).
    """

    def __init__(self, threads: int, adapt: bool = True) -> None:
        self.planned = threads
        self.threads = threads
        self.adapt = adapt
        self.fell_back = False
        self.cpu_seconds = 0.0
        self.wall_seconds = 0.0
        self._marks: tuple[float, float] | None = None
        self._window = (0.0, 0.0)

    def start(self) -> None:
        self._marks = (time.perf_counter(), time.process_time())

    def pause(self) -> None:
        if self._marks is not None:
            wall, cpu = self._elapsed()
            self.wall_seconds += wall
            self.cpu_seconds += cpu
            self._window = (self._window[0] + wall, self._window[1] + cpu)
            self._marks = None

    def check(self) -> None:
        if self._marks is None or time.perf_counter() - self._marks[0] < CHECK_EVERY:
            return
        self.pause()
        wall, cpu = self._window
        self._window = (0.0, 0.0)
        if self.adapt and self.threads > 1 and cpu < CONTENDED_SHARE * self.threads * wall:
            self.threads = 1
            self.fell_back = True
            torch.set_num_threads(1)
        self.start()

    @property
    def share(self) -> float:
        """CPU seconds over planned thread-seconds, 1.0 for a run that got all it was given."""
        granted = self.wall_seconds * self.planned
        return self.cpu_seconds / granted if granted > 0 else 1.0

    @property
    def contended(self) -> bool:
        if self.wall_seconds < MIN_FLAGGED_SECONDS:
            return False
        return self.fell_back or self.share < CONTENDED_SHARE

    def _elapsed(self) -> tuple[float, float]:
        assert self._marks is not None
        return time.perf_counter() - self._marks[0], time.process_time() - self._marks[1]
