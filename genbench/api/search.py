"""What observers of a search see: its progress after each round of trials."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EntrySearch:
    """One entry's trials so far: `done` of them finished (`pruned` and `failed` among them:
    failed counts diverged runs too) and the best value of the searched metric."""

    entry: str
    done: int
    pruned: int
    failed: int
    best: float | None


@dataclass(frozen=True)
class SearchProgress:
    """A search after a round: `trials` per entry in all, each entry's state, and the time
    the remaining trials should take (None before a trial finished)."""

    benchmark: str
    metric: str
    trials: int
    entries: tuple[EntrySearch, ...]
    seconds_left: float | None
