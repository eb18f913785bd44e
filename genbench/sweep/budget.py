"""Training budgets and the clock they are measured on.

A budget is wall-clock seconds or generator steps. The clock runs only while training steps
run: evaluation, checkpoint I/O, logging and start-up are outside it, so that every entry gets
the same training time whatever its evaluation costs.
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


class BudgetError(UserError):
    """A budget string that is neither a duration nor a step count."""


@dataclass(frozen=True)
class Budget:
    """Either `seconds` of training time or `steps` generator updates."""

    seconds: float | None = None
    steps: int | None = None

    @classmethod
    def parse(cls, text: str) -> Budget:
        """'90s', '5m', '1.5h' or '2000 steps'."""
        cleaned = text.strip().lower()
        if match := _STEPS.match(cleaned):
            steps = int(match.group(1))
            if steps > MAX_STEPS:
                raise BudgetError(f"budget {short_repr(text)} is over {MAX_STEPS:,} steps per run")
            if steps > 0:
                return cls(steps=steps)
        elif match := _TIME.match(cleaned):
            seconds = float(match.group(1)) * _UNITS[match.group(2)]
            if seconds > MAX_SECONDS:
                raise BudgetError(f"budget {short_repr(text)} is over 7 days per run")
            if seconds > 0:
                return cls(seconds=seconds)
        raise BudgetError(
            f"invalid budget {short_repr(text)}: use a positive duration like '90s', '5m', '1h' "
            "or a step count like '2000 steps'"
        )

    def exhausted(self, steps: int, seconds: float) -> bool:
        if self.steps is not None:
            return steps >= self.steps
        return seconds >= self.seconds

    def fraction(self, steps: int, seconds: float) -> float:
        """How much of the budget is used, in [0, 1]."""
        used = steps / self.steps if self.steps is not None else seconds / self.seconds
        return min(1.0, used)

    def __str__(self) -> str:
        if self.steps is not None:
            return f"{self.steps} steps"
        seconds = self.seconds
        if seconds % 3600 == 0:
            return f"{seconds / 3600:g}h"
        if seconds % 60 == 0:
            return f"{seconds / 60:g}m"
        return f"{seconds:g}s"


class TrainingClock:
    """A stopwatch that can be paused, so only training steps are counted."""

    def __init__(self) -> None:
        self._elapsed = 0.0
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
