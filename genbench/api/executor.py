"""The executor contract: where a sweep's runs execute.

An executor receives the runs in dependency order and a `work` function that trains,
evaluates and records one run; it yields each run's record as it finishes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from genbench.api.params import Param

if TYPE_CHECKING:
    from genbench.report.record import RunRecord


@dataclass(frozen=True)
class RunInfo:
    """One run of a sweep: an entry trained with one seed. `loggers` are the names given to
    `genbench run --log`: logger plugins act on the runs that name them (the field travels with
    the run to any executor; it is not part of the configuration or its hash)."""

    benchmark: str
    entry: str
    seed: int
    run_dir: Path
    config: dict[str, Any] = field(repr=False)
    config_hash: str
    training_hash: str
    loggers: tuple[str, ...] = ()


Work = Callable[[RunInfo], "RunRecord"]


@dataclass(frozen=True)
class Executor:
    """A registered executor: `run(runs, work, params)` yields one record per run."""

    name: str
    description: str
    run: Callable[[Sequence[RunInfo], Work, dict[str, Any]], Iterator[RunRecord]]
    params: tuple[Param, ...] = ()
