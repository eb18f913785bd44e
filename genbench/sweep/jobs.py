"""How many runs a sweep trains at once: as asked (`--jobs`, the spec's `[executor] jobs`),
else what surely fits the machine."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from genbench.api.executor import Executor
from genbench.engine.threads import available_cpus
from genbench.errors import UserError
from genbench.spec.benchmark import BenchmarkSpec

if TYPE_CHECKING:
    import torch

# Samples of at most this many values (2-D points) train networks that take one thread.
SMALL_SAMPLE = 16


@dataclass(frozen=True)
class JobsRequest:
    """`asked`: a number of runs at once, or None; `auto`: choose one from the data and the
    device (the command line's default, when the spec names none); `takes_jobs`: whether the
    executor has a `jobs` parameter to hand it to."""

    asked: int | None
    auto: bool
    takes_jobs: bool
    executor_params: dict[str, Any]

    @classmethod
    def of(cls, spec: BenchmarkSpec, executor: Executor, jobs: int | str | None) -> JobsRequest:
        """`jobs`: None: the spec's `[executor] jobs`, else 1; "auto": the spec's, else what fits
        the machine; a number: that many. Worker processes load the plugins anew, so only
        "auto" or a number may start them. Refused, before anything loads, for an executor
        that takes no jobs."""
        given = spec.executor_params.get("jobs")
        asked = jobs if isinstance(jobs, int) else given
        takes_jobs = any(param.name == "jobs" for param in executor.params)
        if not takes_jobs and asked not in (None, 1):
            raise UserError(f"--jobs: executor {executor.name!r} takes no jobs; leave it out")
        auto = jobs == "auto" and given is None
        return cls(asked, auto, takes_jobs, dict(spec.executor_params))

    def resolve(self, todo: int, sample_shape: tuple[int, ...], device: torch.device) -> int:
        """The runs to train at once: as asked, else (auto) one per core for point sets on a
        CPU (whose networks take one thread each, so running them side by side changes
        neither their speed nor their numerics), one otherwise."""
        if not self.takes_jobs:
            return 1
        if self.asked is not None or not self.auto:
            return max(1, min(self.asked or 1, todo))
        if device.type != "cpu" or math.prod(sample_shape) > SMALL_SAMPLE:
            return 1
        return max(1, min(todo, math.floor(available_cpus())))

    def params(self, at_once: int) -> dict[str, Any]:
        """The executor's parameters, with the runs at once for an executor that takes them."""
        return (
            {**self.executor_params, "jobs": at_once} if self.takes_jobs else self.executor_params
        )
