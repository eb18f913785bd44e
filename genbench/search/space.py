"""A search space in Optuna's terms: a trial's values drawn for each `Dimension`."""

from __future__ import annotations

import json
from typing import Any

import optuna

from genbench.spec.searching import Dimension

_SCALARS = (type(None), bool, int, float, str)


def suggest(trial: optuna.Trial, dimensions: tuple[Dimension, ...]) -> dict[str, Any]:
    """The value of each dimension for `trial`, by path."""
    return {d.path: _suggest(trial, d) for d in dimensions}


def _suggest(trial: optuna.Trial, dimension: Dimension) -> Any:
    path, kind, values = dimension.path, dimension.kind, dimension.values
    if kind == "choice":
        return _decode(dimension, trial.suggest_categorical(path, _choices(dimension)))
    low, high = values
    if kind in ("int", "log_int"):
        return trial.suggest_int(path, low, high, log=kind == "log_int")
    return trial.suggest_float(path, low, high, log=kind == "log_uniform")


def _choices(dimension: Dimension) -> list[Any]:
    """Optuna stores scalar choices only: a list or table choice travels as its JSON text."""
    if _scalars(dimension):
        return list(dimension.values)
    return [json.dumps(v) for v in dimension.values]


def _decode(dimension: Dimension, value: Any) -> Any:
    return value if _scalars(dimension) else json.loads(value)


def _scalars(dimension: Dimension) -> bool:
    return all(isinstance(v, _SCALARS) for v in dimension.values)
