"""Errors a user can cause and mend.

The CLI prints a `UserError` as one line and exits with code 2; any other exception is a
bug in genbench or in a plugin and is allowed to show its traceback.
"""

from __future__ import annotations

import difflib
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager


class UserError(Exception):
    """Something the user can fix: a bad spec, an unknown name, a missing file."""


class SpecError(UserError):
    """A benchmark spec is invalid; the message names the file and the key path."""

    def __init__(self, path: object, key: str, message: str) -> None:
        location = f"{path}: {key}" if key else f"{path}"
        super().__init__(f"{location}: {message}")
        self.path = path
        self.key = key
        self.reason = message


class ParamError(UserError):
    """A parameter value is unknown or of the wrong type; `key` says which one."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}: {message}")
        self.key = key
        self.reason = message


class UnknownNameError(UserError):
    """A plugin item was looked up under a name nobody registered."""


class PluginError(UserError):
    """Installed plugins conflict or register malformed items."""


MAX_REPR = 80


def first_line(exc: BaseException) -> str:
    """An exception as one line of a message: its text's first line, else its type's name."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def short_repr(value: object, limit: int = MAX_REPR) -> str:
    """`repr(value)` cut to `limit` characters, so a huge value never floods a message."""
    text = repr(value)
    if len(text) <= limit:
        return text
    return f"{text[: limit - 20]}... ({len(text)} characters)"


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """A hint naming the closest valid names, or all of them when none is close."""
    candidates = sorted(set(candidates))
    name = name[:200]
    if not candidates:
        return "none are available"
    close = difflib.get_close_matches(name, candidates, n=3, cutoff=0.5)
    if close:
        return "did you mean " + " or ".join(repr(c) for c in close) + "?"
    return "valid names: " + ", ".join(candidates)


@contextmanager
def collected_warnings() -> Iterator[list[str]]:
    """Collect the warnings raised inside (each message once, in order) instead of letting
    Python print them, so the CLI can show them as its own one-line warnings."""
    messages: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            yield messages
        finally:
            messages.extend(dict.fromkeys(str(warning.message) for warning in caught))
