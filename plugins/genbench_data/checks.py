"""Range checks for dataset parameters.

`genbench.Param` checks types only; the valid range of a count or a seed is the dataset's own
knowledge, so each loader states it and fails with a `UserError` the CLI prints as one line.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from genbench.errors import UserError


def at_least(params: Mapping[str, Any], name: str, minimum: int, owner: str) -> int:
    """`params[name]`, or a UserError naming `owner` and the parameter when it is too small."""
    value = params[name]
    if value < minimum:
        raise UserError(f"{owner}: parameter {name!r} must be at least {minimum}, got {value}")
    return value
