"""What the checks of every spec table share: errors that name the file and the key path,
look-ups of registry names, plugin parameters, seeds, and blaming a bad value on the
command-line option that gave it rather than on the file."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from genbench.api.kinds import KIND_BY_NAME
from genbench.api.params import Param, resolve_params
from genbench.errors import SpecError, UnknownNameError, UserError, short_repr
from genbench.registry import Registry
from genbench.spec.seeds import check_seeds


class SpecChecker:
    """One spec file's checks against the registry: the helpers the table checks call."""

    def __init__(self, path: Path, registry: Registry) -> None:
        self.path = path
        self.registry = registry

    def error(self, key: str, message: str) -> SpecError:
        return SpecError(self.path, key, message)

    def section(self, raw: dict[str, Any], table: str, keys: tuple[Param, ...]) -> dict[str, Any]:
        """The table's keys with defaults filled in, each checked."""
        given = raw.get(table, {})
        if not isinstance(given, dict):
            raise self.error(table, "must be a table")
        return resolve_params(keys, given, f"[{table}]", prefix=f"{table}.")

    @contextmanager
    def blame(self, key: str, option: str | None) -> Iterator[None]:
        """Attribute a UserError to the command-line option that gave the value, else to the
        spec's key."""
        try:
            yield
        except UserError as exc:
            if option:
                raise UserError(f"{option}: {exc}") from None
            raise self.error(key, str(exc)) from None

    def seeds(self, seeds: Any, key: str) -> tuple[int, ...]:
        try:
            return check_seeds(seeds)
        except UserError as exc:
            raise self.error(key, str(exc)) from None

    def lookup(self, kind: str, name: Any, key: str) -> Any:
        """The registered item `name` of `kind`, or an error naming `key` and close names."""
        if not isinstance(name, str):
            raise self.error(key, f"expected a name (string), got {short_repr(name)}")
        try:
            return self.registry.describe(kind, name)
        except UnknownNameError as exc:
            raise self.error(key, str(exc)) from None

    def item_params(self, kind: str, item: Any, given: Any, key: str) -> dict[str, Any]:
        """An item's parameters, checked against its declared ones, names it refers to
        included."""
        if not isinstance(given, dict):
            raise self.error(key, "must be a table of parameters")
        owner = f"{KIND_BY_NAME[kind].label} {item.name!r}"
        params = resolve_params(item.params, given, owner, prefix=f"{key}.")
        self._check_references(item.params, params, key)
        return params

    def _check_references(
        self, declared: tuple[Param, ...], params: dict[str, Any], key: str
    ) -> None:
        """Names of registry items (in tables too) exist; a `<name>_params` companion is
        resolved against the item it names."""
        for param in declared:
            value = params[param.name]
            if value is None:
                continue
            if param.fields:
                self._check_references(param.fields, value, f"{key}.{param.name}")
            if param.refers_to:
                target = self.lookup(param.refers_to, value, f"{key}.{param.name}")
                companion = f"{param.name}_params"
                if companion in params:
                    params[companion] = self.item_params(
                        param.refers_to, target, params[companion], f"{key}.{companion}"
                    )
