"""How numbers are stored: a value that is undefined (NaN, an infinity) is kept as None, so
JSON records, tables and `genbench eval --json` never carry a NaN a reader would trust."""

from __future__ import annotations

import math


def finite_or_none(value: float | None) -> float | None:
    """`value` when it is a finite number, else None."""
    return value if value is not None and math.isfinite(value) else None
