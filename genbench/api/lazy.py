"""Registration without imports: an item names its heavy code by a `"module:attribute"` path.

`genbench --help` and `genbench list` must answer in a fraction of a second, so a plugin's
registration hook may not import torch. A built-in therefore registers light descriptions
(name, description, parameters) whose callables are `lazy("pkg.module:function")` and whose
objects, where the item *is* the heavy object (a divergence), are `Deferred`; the module is
imported the first time the item is used. A third-party plugin may do the same, or register
its objects directly (then its import cost is paid at start-up).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

from genbench.api.params import Param


def import_target(target: str) -> Any:
    """The object that `"package.module:attribute"` names (attribute may be dotted)."""
    module_name, _, attribute = target.partition(":")
    if not module_name or not attribute:
        raise ValueError(f"lazy target {target!r} must look like 'package.module:attribute'")
    value: Any = importlib.import_module(module_name)
    for part in attribute.split("."):
        value = getattr(value, part)
    return value


class LazyCallable:
    """A callable that imports its target on first call and then forwards every call."""

    def __init__(self, target: str) -> None:
        self.target = target
        self._resolved: Any = None

    def resolve(self) -> Any:
        if self._resolved is None:
            self._resolved = import_target(self.target)
        return self._resolved

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.resolve()(*args, **kwargs)

    def __repr__(self) -> str:
        return f"lazy({self.target!r})"


def lazy(target: str) -> LazyCallable:
    """A stand-in for the function `"package.module:function"`, imported on first call."""
    return LazyCallable(target)


@dataclass(frozen=True)
class Deferred:
    """An item described lightly and imported on first use: `genbench.get` returns the object
    at `target` (an instance of the class there, if `target` names a class), whose `name` must
    equal this one's. This description is the item's one source of name, description and
    params; the object need not repeat them."""

    name: str
    description: str
    target: str
    params: tuple[Param, ...] = field(default=())
