"""Metrics over training time: `[evaluation] every = "15s"` (or `"500 steps"`, `"1 TFLOP"`).

A final score says where a run ended, not how it got there; two objectives that end level may
differ in how fast they got there. At fixed points of the training clock the run's generator is
scored on a small sample (`every_samples`) by the sweep's metrics, numbers only. This happens
in the engine's log callback, which runs off the training clock, so it charges no budget; and
the random number generators are restored after each point, so a run trains exactly as it
would without the timeline. A point falls on the first log window (25 steps) at or past it.
An entry's `prune` bounds (a search's trials have them) are held against the points as they
are scored: a run that falls behind stops there.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from genbench.api.record import TimelineFacts
from genbench.engine.loop import LogCallback, TrainProgress
from genbench.engine.resume import random_state, restore_random
from genbench.eval.evaluator import Evaluator, Reference
from genbench.report.values import finite_or_none

if TYPE_CHECKING:
    from genbench.api.adversarial import AdversarialModel
    from genbench.spec.benchmark import EvaluationSpec
    from genbench.spec.searching import PruneBounds

# One small evaluator per sweep evaluator (the real features of the small sample, once).
_SMALL: weakref.WeakKeyDictionary[Evaluator, Evaluator] = weakref.WeakKeyDictionary()


class Timeline:
    """The points of one run; `wrap(on_log)` adds them to the engine's log callback."""

    def __init__(
        self,
        evaluation: EvaluationSpec,
        evaluator: Evaluator,
        model: AdversarialModel,
        prune: PruneBounds | None = None,
    ) -> None:
        self.every = evaluation.every
        self.prune = prune
        self.batch_size = evaluation.batch_size
        self.model = model
        self.evaluator = _small(evaluator, evaluation.every_samples) if self.every else None
        self.facts = (
            TimelineFacts(every=str(self.every), samples=self.evaluator.samples)
            if self.every and self.evaluator
            else None
        )
        self._next = 0.0

    def state(self) -> dict[str, Any]:
        """What a resumed run needs to go on scoring at the same points."""
        return {"facts": asdict(self.facts) if self.facts else None, "next": self._next}

    def restore(self, state: dict[str, Any]) -> None:
        self.facts = TimelineFacts(**state["facts"]) if state["facts"] else None
        self._next = float(state["next"])

    def wrap(self, on_log: LogCallback) -> LogCallback:
        if self.facts is None:
            return on_log

        def logged(progress: TrainProgress) -> str | None:
            stop = on_log(progress)
            if stop or self._position(progress) < self._next:
                return stop
            self._score(progress)
            return self._verdict()

        return logged

    def _verdict(self) -> str | None:
        """Why the run stops at the point just scored, if its prune bounds say so."""
        if self.prune is None or self.facts is None:
            return None
        values = self.facts.values.get(self.prune.metric, [])
        return self.prune.verdict(len(self.facts.steps), values[-1] if values else None)

    def _position(self, progress: TrainProgress) -> float:
        """Where training stands on the timeline's clock: steps, training FLOPs or seconds."""
        assert self.every is not None
        if self.every.steps is not None:
            return float(progress.steps)
        return progress.flops if self.every.flops is not None else progress.seconds

    def _score(self, progress: TrainProgress) -> None:
        assert self.every is not None and self.evaluator is not None and self.facts is not None
        interval = float(self.every.steps or self.every.seconds or self.every.flops or 1.0)
        while self._next <= self._position(progress):
            self._next += interval
        with _same_random_state():
            fake, labels = self.model.sample_labelled(self.evaluator.samples, self.batch_size)
            values = self.evaluator.score(fake, labels).values
        self.facts.seconds.append(progress.seconds)
        self.facts.steps.append(progress.steps)
        for key in {*self.facts.values, *values}:
            column = self.facts.values.setdefault(key, [None] * (len(self.facts.steps) - 1))
            column.append(finite_or_none(values[key]) if key in values else None)


def _small(evaluator: Evaluator, samples: int) -> Evaluator:
    if evaluator not in _SMALL:
        count = min(samples, evaluator.samples)
        _SMALL[evaluator] = Evaluator(
            evaluator.data,
            evaluator.extractor,
            evaluator.metrics,
            count,
            evaluator.batch_size,
            reference=Reference(count, evaluator.reference.split),
        )
    return _SMALL[evaluator]


@contextmanager
def _same_random_state() -> Iterator[None]:
    """Every generator a run draws from, as it was: sampling for a point changes no training."""
    saved = random_state()
    try:
        yield
    finally:
        restore_random(saved)
