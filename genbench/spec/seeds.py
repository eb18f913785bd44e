"""Seeds: which runs a spec trains. One parser for the command line's `--seeds` and an
entry's `seeds = "0-9"`, one check for every list, so both refuse the same mistakes with the
same words."""

from __future__ import annotations

from typing import Any

from genbench.errors import UserError, short_repr

MAX_SEEDS = 10_000


def check_seeds(seeds: Any) -> tuple[int, ...]:
    """A list of distinct seeds in [0, 2**32), or a text such as '0-9' naming one."""
    if isinstance(seeds, str):
        seeds = parse_seeds(seeds)
    if not isinstance(seeds, list):
        seeds = [seeds]
    valid = (isinstance(s, int) and not isinstance(s, bool) and 0 <= s < 2**32 for s in seeds)
    if not seeds or not all(valid):
        given = short_repr(seeds)
        raise UserError(f"expected a non-empty list of integers in [0, 2**32), got {given}")
    if len(set(seeds)) != len(seeds):
        raise UserError(f"repeated seed in {short_repr(seeds)}")
    if len(seeds) > MAX_SEEDS:
        raise UserError(f"{len(seeds)} seeds; at most {MAX_SEEDS} (each seed trains every entry)")
    return tuple(seeds)


def parse_seeds(text: str, source: str = "") -> list[int]:
    """'0,1,2', '0-4' or '3' (`source` prefixes the messages, e.g. '--seeds: '); a range is
    checked before it is expanded, so '0-100000000' is refused instead of filling the memory."""
    seeds: list[int] = []
    try:
        for part in text.split(","):
            low, _, high = part.strip().partition("-")
            if not high:
                seeds.append(int(low))
                continue
            first, last = int(low), int(high)
            if last < first:
                raise UserError(f"{source}empty range {part.strip()!r}; write it low-high")
            if last - first + 1 + len(seeds) > MAX_SEEDS:
                message = f"{source}{short_repr(text)} names more than {MAX_SEEDS} seeds"
                raise UserError(message + "; each seed trains every entry, ask for fewer")
            seeds.extend(range(first, last + 1))
    except ValueError:
        message = (
            f"{source}invalid {short_repr(text)}; use a list like '0,1,2' or a range like '0-4'"
        )
        raise UserError(message) from None
    return seeds
