"""What the caller of a sweep says and gets back while it runs: the options of `genbench run`
(and `genbench.run`) and the tally a stopped sweep is described from. Light on purpose: the
command line imports it before it knows whether anything will train."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from genbench.api.executor import RunInfo
from genbench.spec.benchmark import Overrides

if TYPE_CHECKING:
    from genbench.engine.parallel import DataParallel


@dataclass(frozen=True)
class SweepOptions:
    """How to execute a spec: `jobs` as `JobsRequest` reads it, `overrides` the command
    line's (handed on to worker processes with the spec's path); `parallel`, the first rank of
    a sweep torchrun started on several (`genbench.sweep.ranks`)."""

    force: bool = False
    loggers: tuple[str, ...] = ()
    jobs: int | str | None = None
    overrides: Overrides = field(default_factory=Overrides)
    parallel: DataParallel | None = None


@dataclass
class Tally:
    """What the sweep has done so far, readable after it stopped (Ctrl-C): the runs it kept
    (wherever they ran) and those in flight, which a stop drops."""

    kept: list[RunInfo] = field(default_factory=list)
    in_flight: dict[tuple[str, int], RunInfo] = field(default_factory=dict)
