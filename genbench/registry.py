"""Typed registries filled through the registration hooks, with attribution.

Each plugin's registration hook is called on its own, so every item remembers which plugin
registered it and a duplicate name can name both providers. Items are checked as they are
registered (name, description, parameters, type), so a faulty plugin is named at start-up,
not deep inside a sweep. A `Deferred` item is imported on its first `get`. A registration
hook that raises takes out its own plugin (reported by `genbench list plugins`), never the
others.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from genbench.api.kinds import KIND_BY_NAME, KINDS, Kind
from genbench.api.lazy import Deferred, import_target
from genbench.api.params import Param
from genbench.errors import PluginError, UnknownNameError, did_you_mean, short_repr
from genbench.plugin_manager import GenbenchPluginManager, PluginInfo, get_plugin_manager

_KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_REGISTRATION_HOOKS = {kind.hook for kind in KINDS}


@dataclass(frozen=True)
class Registered:
    """An item and the plugin that registered it."""

    item: Any
    plugin: str


class Registry:
    """Every registered item by kind and name, built from one plugin manager."""

    def __init__(self, pm: GenbenchPluginManager) -> None:
        self.pm = pm
        self._items: dict[str, dict[str, Registered]] = {}
        self._loaded: dict[tuple[str, str], Any] = {}  # Deferred items, imported on first use
        self._failed: set[str] = set()
        for kind in KINDS:
            self._items[kind.name] = self._collect(kind)
        for name, items in self._items.items():
            self._items[name] = {n: r for n, r in items.items() if r.plugin not in self._failed}

    @classmethod
    def load(cls, autoload: bool | None = None) -> Registry:
        return cls(get_plugin_manager(autoload))

    @property
    def plugins(self) -> list[PluginInfo]:
        return list(self.pm.infos)

    @property
    def hook(self) -> Any:
        """The lifecycle hook relay: `registry.hook.genbench_run_started(run=...)`."""
        return self.pm.hook

    def get(self, kind: str, name: str) -> Any:
        """The item itself; a `Deferred` one is imported now, once."""
        registered = self.entry(kind, name)
        if not isinstance(registered.item, Deferred):
            return registered.item
        if (kind, name) not in self._loaded:
            loaded = import_target(registered.item.target)
            loaded = loaded() if isinstance(loaded, type) else loaded
            label = KIND_BY_NAME[kind].label
            if getattr(loaded, "name", None) != name:
                raise PluginError(
                    f"plugin {registered.plugin!r}: {label} {name!r} loads "
                    f"{registered.item.target!r}, whose name is {getattr(loaded, 'name', None)!r}"
                )
            _check_type(KIND_BY_NAME[kind], registered.plugin, loaded)
            self._loaded[kind, name] = loaded
        return self._loaded[kind, name]

    def describe(self, kind: str, name: str) -> Any:
        """The item as registered, without importing a deferred one: its name, description
        and params (and whatever else it declares), for listings and spec validation. A
        `Deferred` stays the description once its object is loaded: the description is the
        one source of the item's params, which the object need not repeat."""
        return self.entry(kind, name).item

    def entry(self, kind: str, name: str) -> Registered:
        items = self._kind(kind)
        if name not in items:
            label = KIND_BY_NAME[kind].label
            message = f"unknown {label} {short_repr(name)}; {did_you_mean(str(name), items)}"
            broken = [p.name for p in self.pm.infos if p.error]
            if broken:
                message += f" (plugins that failed to load: {', '.join(broken)})"
            raise UnknownNameError(message)
        return items[name]

    def names(self, kind: str) -> list[str]:
        return sorted(self._kind(kind))

    def entries(self, kind: str) -> list[Registered]:
        return [self._kind(kind)[name] for name in self.names(kind)]

    def items_of(self, plugin: str) -> dict[str, list[str]]:
        """What one plugin registered, by kind."""
        return {
            kind: sorted(n for n, r in items.items() if r.plugin == plugin)
            for kind, items in self._items.items()
            if any(r.plugin == plugin for r in items.values())
        }

    def lifecycle_hooks_of(self, plugin: str) -> list[str]:
        """The lifecycle hooks (not registrations) one plugin implements, e.g. a logger's."""
        module = self.pm.get_plugin(plugin)
        if module is None:
            return []
        return sorted(
            caller.name
            for caller in self.pm.get_hookcallers(module) or ()
            if caller.name not in _REGISTRATION_HOOKS
        )

    def _kind(self, kind: str) -> dict[str, Registered]:
        if kind not in self._items:
            raise UnknownNameError(f"unknown kind {kind!r}; {did_you_mean(kind, self._items)}")
        return self._items[kind]

    def _collect(self, kind: Kind) -> dict[str, Registered]:
        items: dict[str, Registered] = {}
        caller = getattr(self.pm.hook, kind.hook)
        for impl in caller.get_hookimpls():
            try:
                impl.function(register=self._registrar(kind, impl.plugin_name, items))
            except PluginError:
                raise  # a name clash or a malformed item: the user must choose or fix
            except Exception as exc:  # a broken plugin must not take the others down
                error = f"{kind.hook} raised {type(exc).__name__}: {exc}"
                self._failed.add(impl.plugin_name)
                self.pm.disable(impl.plugin_name, error.splitlines()[0])
        return items

    def _registrar(
        self, kind: Kind, plugin: str, items: dict[str, Registered]
    ) -> Callable[[Any], None]:
        def register(item: Any) -> None:
            _validate_item(kind, plugin, item)
            if item.name in items:
                first, second = sorted((items[item.name].plugin, plugin))
                raise PluginError(
                    f"{kind.label} {item.name!r} is registered by both plugin {first!r} "
                    f"and plugin {second!r}; uninstall one or disable third-party plugins with "
                    f"GENBENCH_DISABLE_PLUGIN_AUTOLOAD=1"
                )
            items[item.name] = Registered(item, plugin)

        return register


def _validate_item(kind: Kind, plugin: str, item: Any) -> None:
    name = getattr(item, "name", None)
    if not isinstance(name, str) or not _KEBAB.match(name):
        raise PluginError(f"plugin {plugin!r} registered a {kind.label} with invalid name {name!r}")
    if not isinstance(getattr(item, "description", None), str):
        raise PluginError(f"plugin {plugin!r}: {kind.label} {name!r} has no description")
    params = getattr(item, "params", None)
    if not isinstance(params, tuple) or not all(isinstance(p, Param) for p in params):
        raise PluginError(
            f"plugin {plugin!r}: {kind.label} {name!r} params must be a tuple of Param"
        )
    if not isinstance(item, Deferred):
        _check_type(kind, plugin, item)


def _check_type(kind: Kind, plugin: str, item: Any) -> None:
    """The item is of its kind's type, or has the members the kind requires."""
    if kind.item_type is not None and not isinstance(item, kind.item_type):
        raise PluginError(
            f"plugin {plugin!r}: {kind.label} {item.name!r} is a {type(item).__name__}, "
            f"not a genbench.{kind.item_type.__name__}"
        )
    missing = [member for member in kind.required if not callable(getattr(item, member, None))]
    if missing:
        raise PluginError(
            f"plugin {plugin!r}: {kind.label} {item.name!r} lacks {', '.join(missing)}"
        )


_active: Registry | None = None


def current() -> Registry:
    """The registry `genbench.get` and `genbench.names` use: the one `activate` set, else one
    loaded on first use. Plugins never call this: they get the registry in their context."""
    global _active
    if _active is None:
        _active = Registry.load()
    return _active


def activate(registry: Registry | None) -> None:
    """Make `registry` the one `genbench.get` and `genbench.names` use (None: reload lazily)."""
    global _active
    _active = registry
