"""Training budgets and the clock they are measured on.

A budget is wall-clock seconds, generator steps or training FLOPs. Seconds depend on the
machine; FLOPs (matrix-product FLOPs as torch's FlopCounterMode counts them, see the engine)
do not, so a table made on a laptop and one made on a cluster node compare. The clock runs
only while training steps run: evaluation, checkpoint I/O, logging and start-up are outside
it, so that every entry gets the same training time whatever its evaluation costs.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from genbench.errors import UserError, short_repr

_UNITS = {"s": 1, "sec": 1, "secs": 1, "m": 60, "min": 60, "mins": 60, "h": 3600}
_TIME = re.compile(r"^(\d+(?:\.\d+)?)\s*(s|secs?|m|mins?|h)$")
_STEPS = re.compile(r"^(\d+)\s*steps?$")
MAX_SECONDS = 7 * 24 * 3600
MAX_STEPS = 10**8

_FLOP_UNITS = {"g": 1e9, "t": 1e12, "p": 1e15}
_FLOPS = re.compile(r"^(\d+(?:\.\d+)?)\s*([gtp])flops?$")


class BudgetError(UserError):
    """A budget string that is neither a duration, a step count nor a FLOP count."""


@dataclass(frozen=True)
class Budget:
    """One of `seconds` of training time, `steps` generator updates or training `flops`."""

    seconds: float | None = None
    steps: int | None = None
    flops: float | None = None

    @classmethod
    def parse(cls, text: str) -> Budget:
        """'90s', '5m', '1.5h', '2000 steps' or '20 TFLOP' (also GFLOP, PFLOP)."""
        cleaned = text.strip().lower()
        if match := _STEPS.match(cleaned):
            steps = int(match.group(1))
            if steps > MAX_STEPS:
                raise BudgetError(f"budget {short_repr(text)} is over {MAX_STEPS:,} steps per run")
            if steps > 0:
                return cls(steps=steps)
        elif match := _FLOPS.match(cleaned):
            flops = float(match.group(1)) * _FLOP_UNITS[match.group(2)]
            if flops > 0:
                return cls(flops=flops)
        elif match := _TIME.match(cleaned):
            seconds = float(match.group(1)) * _UNITS[match.group(2)]
            if seconds > MAX_SECONDS:
                raise BudgetError(f"budget {short_repr(text)} is over 7 days per run")
            if seconds > 0:
                return cls(seconds=seconds)
        raise BudgetError(
            f"invalid budget {short_repr(text)}: use a positive duration like '90s', '5m', '1h', "
            "a step count like '2000 steps' or a FLOP count like '20 TFLOP'"
        )

    @property
    def time_limit(self) -> float:
        """The seconds of a budget that counts neither steps nor FLOPs."""
        if self.seconds is None:
            raise ValueError("a budget counts seconds, steps or FLOPs; this one counts nothing")
        return self.seconds

    def exhausted(self, steps: int, seconds: float, flops: float = 0.0) -> bool:
        if self.steps is not None:
            return steps >= self.steps
        if self.flops is not None:
            return flops >= self.flops
        return seconds >= self.time_limit

    def fraction(self, steps: int, seconds: float, flops: float = 0.0) -> float:
        """How much of the budget is used, in [0, 1]."""
        if self.steps is not None:
            used = steps / self.steps
        elif self.flops is not None:
            used = flops / self.flops
        else:
            used = seconds / self.time_limit
        return min(1.0, used)

    def __str__(self) -> str:
        if self.steps is not None:
            return f"{self.steps} steps"
        if self.flops is not None:
            for unit in ("P", "T", "G"):
                scale = _FLOP_UNITS[unit.lower()]
                if self.flops >= scale:
                    return f"{self.flops / scale:g} {unit}FLOP"
            return f"{self.flops / 1e9:g} GFLOP"
        seconds = self.time_limit
        if seconds % 3600 == 0:
            return f"{seconds / 3600:g}h"
        if seconds % 60 == 0:
            return f"{seconds / 60:g}m"
        return f"{seconds:g}s"


class TrainingClock:
    """A stopwatch that can be paused, so only training steps are counted; `already` is the
    training time a resumed run spent before."""

    def __init__(self, already: float = 0.0) -> None:
        self._elapsed = already
        self._started: float | None = None

    def start(self) -> None:
        if self._started is None:
            self._started = time.perf_counter()

    def pause(self) -> None:
        if self._started is not None:
            self._elapsed += time.perf_counter() - self._started
            self._started = None

    @property
    def seconds(self) -> float:
        running = time.perf_counter() - self._started if self._started is not None else 0.0
        return self._elapsed + running
