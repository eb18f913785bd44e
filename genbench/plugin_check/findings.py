"""What probing one item found: what ran, what the item declined, what is broken."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Findings:
    """`checked` says what ran, so the author sees what the check covered; `declined` lists
    probes the item refused with a `UserError` (a network for images asked for points), which
    is its right, not a problem (an item that declines every probe is reported as not probed,
    with its reasons); `problems` are one line each and fail the check."""

    checked: list[str] = field(default_factory=list)
    declined: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def add(self, other: Findings) -> None:
        self.checked += other.checked
        self.declined += other.declined
        self.problems += other.problems
