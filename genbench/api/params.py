"""Typed, documented plugin parameters and their validation.

Every registered item declares its parameters with defaults, so that `genbench list` can show
them and the spec validator can reject a wrong key or type before anything trains.
"""

from __future__ import annotations

import builtins
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from genbench.errors import ParamError, did_you_mean, short_repr

_TYPE_NAMES: dict[type, str] = {
    bool: "bool",
    int: "int",
    float: "float",
    str: "str",
    list: "list",
    tuple: "list",
    dict: "table",
}


@dataclass(frozen=True)
class Param:
    """One parameter: its name, default and a one-line help text.

    The type is the default's type unless given (it must be given when the default is None,
    which then means "chosen automatically", as the help should explain). A tuple default
    accepts a list of the same length whose items have the default items' types. `refers_to`
    names a registry kind ("prior", "divergence", ...) when the value is an item's name, so the
    spec validator can reject an unknown one before anything trains; `minimum` is the smallest
    valid number and `maximum` the largest (excluded when `maximum_excluded`, e.g. Adam's betas
    lie in [0, 1)), checked with the type; on a tuple they bound every item. A float is never
    NaN, nor infinite unless its default is (an open bound, e.g. "no clamp"): such a value
    would train for the whole budget and record garbage. A
    parameter with `fields` takes a table whose keys are
    those fields (checked the same way, missing ones defaulted); its default is usually None,
    meaning "off". `rule` checks what the fields above cannot say (a range's low below its
    high): it gets the converted value and returns None, or what is wrong and how to mend it,
    so a plugin's own constraints are refused with the spec's key path before anything trains
    rather than when its builder runs, after other entries have trained. `recipe` marks a
    model parameter that belongs to the training recipe (network, optimiser, batch, critic
    steps, regularisers, stabilisers) rather than to the objective compared: a spec's
    `[recipe]` table sets it for every entry at once, and a table whose entries differ in one
    says so under the table.
    """

    name: str
    default: Any
    help: str
    type: type | None = None
    choices: tuple[Any, ...] | None = None
    refers_to: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    maximum_excluded: bool = False
    fields: tuple[Param, ...] = ()
    rule: Callable[[Any], str | None] | None = None
    recipe: bool = False

    @property
    def value_type(self) -> builtins.type:
        if self.type is not None:
            return self.type
        if self.default is None:
            raise TypeError(f"parameter {self.name!r} has default None and no type")
        return type(self.default)

    @property
    def type_name(self) -> str:
        if self.fields:
            return "table or off" if self.default is None else "table"
        name = _TYPE_NAMES.get(self.value_type, self.value_type.__name__)
        return name if self.default is not None or self.type is None else f"{name} or auto"

    def check(self, value: Any, key: str) -> Any:
        """The value converted to this parameter's type, or a ParamError naming `key`."""
        expected = self.value_type
        if value is None and self.default is None:
            return None
        if self.fields:
            if not isinstance(value, dict):
                raise ParamError(key, f"expected a table, got {_describe(value)}")
            return resolve_params(self.fields, value, f"{self.name!r}", prefix=f"{key}.")
        if isinstance(self.default, tuple):
            value = self._check_tuple(value, key)
        elif expected is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        elif not isinstance(value, expected) or (expected is not bool and isinstance(value, bool)):
            raise ParamError(key, f"expected {self.type_name}, got {_describe(value)}")
        if isinstance(value, float) and not math.isfinite(value) and not self._open_bound(value):
            raise ParamError(key, f"must be a finite number, got {value!r}")
        if not isinstance(value, tuple):
            self._check_bounds(value, key)
        if self.choices is not None and value not in self.choices:
            options = ", ".join(short_repr(c) for c in self.choices)
            raise ParamError(key, f"{short_repr(value)} is not one of {options}")
        problem = self.rule(value) if self.rule is not None else None
        if problem:
            raise ParamError(key, problem)
        return value

    def _open_bound(self, value: float) -> bool:
        return math.isinf(value) and isinstance(self.default, float) and math.isinf(self.default)

    def _check_bounds(self, value: Any, key: str) -> None:
        if self.minimum is not None and value < self.minimum:
            raise ParamError(key, f"must be at least {self.minimum}, got {value!r}")
        if self.maximum is None:
            return
        if self.maximum_excluded and value >= self.maximum:
            raise ParamError(key, f"must be below {self.maximum}, got {value!r}")
        if value > self.maximum:
            raise ParamError(key, f"must be at most {self.maximum}, got {value!r}")

    def _check_tuple(self, value: Any, key: str) -> tuple[Any, ...]:
        length = len(self.default)
        if not isinstance(value, list | tuple) or len(value) != length:
            raise ParamError(key, f"expected a list of {length} values, got {_describe(value)}")
        items = []
        for i, (item, like) in enumerate(zip(value, self.default, strict=True)):
            bounded = Param(
                f"{self.name}[{i}]",
                like,
                "",
                minimum=self.minimum,
                maximum=self.maximum,
                maximum_excluded=self.maximum_excluded,
            )
            items.append(bounded.check(item, f"{key}[{i}]"))
        return tuple(items)


def _describe(value: Any) -> str:
    return f"{_TYPE_NAMES.get(type(value), type(value).__name__)} {short_repr(value)}"


def resolve_params(
    declared: Sequence[Param], given: Mapping[str, Any], owner: str, prefix: str = ""
) -> dict[str, Any]:
    """Defaults overlaid with `given`, each value checked.

    `owner` names the item in messages ("model 'gan'"); `prefix` is prepended to key paths.
    """
    by_name = {p.name: p for p in declared}
    for key in given:
        if key not in by_name:
            hint = did_you_mean(key, by_name) if by_name else f"{owner} takes no parameters"
            raise ParamError(f"{prefix}{key}", f"unknown parameter for {owner}; {hint}")
    resolved = {}
    for param in declared:
        value = given.get(param.name, param.default)
        if param.name in given:
            value = param.check(value, f"{prefix}{param.name}")
        resolved[param.name] = value
    return resolved


def describe_params(declared: Sequence[Param]) -> list[dict[str, Any]]:
    """A JSON-friendly description of parameters, for `genbench list`."""
    return [
        {
            "name": p.name,
            "type": p.type_name,
            "default": list(p.default) if isinstance(p.default, tuple) else p.default,
            "help": p.help,
            **({"choices": list(p.choices)} if p.choices else {}),
            **({"minimum": p.minimum} if p.minimum is not None else {}),
            **({"maximum": p.maximum} if p.maximum is not None else {}),
            **({"maximum_excluded": True} if p.maximum_excluded else {}),
            **({"fields": describe_params(p.fields)} if p.fields else {}),
            **({"recipe": True} if p.recipe else {}),
        }
        for p in declared
    ]
