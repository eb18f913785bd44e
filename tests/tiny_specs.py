"""The one builder of the tiny benchmark specs the tests train: TOML text with small data,
few steps and one CPU seed unless a test says otherwise, so each test states only what it is
about."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

TINY_BENCHMARK: dict[str, Any] = {
    "name": "tiny",
    "dataset": "ring-8",
    "budget": "20 steps",
    "seeds": [0],
    "device": "cpu",
}
TINY_DATA: dict[str, Any] = {"samples": 1000}
TINY_EVALUATION: dict[str, Any] = {"samples": 200, "metrics": ["mode-coverage"]}


def entry(name: str, model: str, **params: Any) -> dict[str, Any]:
    """One `[[entry]]`: its name, its model family and the family's parameters."""
    return {"name": name, "model": model, **params}


def tiny_spec(
    *entries: Mapping[str, Any],
    benchmark: Mapping[str, Any] | None = None,
    dataset: Mapping[str, Any] | None = None,
    evaluation: Mapping[str, Any] | None = None,
    tables: Mapping[str, Mapping[str, Any]] | None = None,
) -> str:
    """A spec's TOML: `benchmark`, `dataset` and `evaluation` update the tiny defaults (a value
    of None drops the key); `tables` adds others (`{"executor": {"jobs": 2}}`); with no entry,
    a vanilla GAN."""
    sections = {
        "benchmark": _updated(TINY_BENCHMARK, benchmark),
        "dataset": _updated(TINY_DATA, dataset),
        "evaluation": _updated(TINY_EVALUATION, evaluation),
        **(tables or {}),
    }
    text = "".join(_table(f"[{name}]", values) for name, values in sections.items() if values)
    for given in entries or (entry("GAN", "gan"),):
        text += _table("[[entry]]", given)
    return text


def _updated(defaults: Mapping[str, Any], given: Mapping[str, Any] | None) -> dict[str, Any]:
    merged = {**defaults, **(given or {})}
    return {key: value for key, value in merged.items() if value is not None}


def _table(header: str, values: Mapping[str, Any]) -> str:
    lines = [f"{_key(key)} = {_value(value)}" for key, value in values.items()]
    return "\n".join([header, *lines]) + "\n\n"


def _key(key: str) -> str:
    return key if key.replace("_", "").replace("-", "").isalnum() else _value(key)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, Sequence):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    raise TypeError(f"no TOML for {value!r}")
