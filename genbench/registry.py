"""Typed registries filled through the registration hooks, with attribution.

Each plugin's registration hook is called on its own, so every item remembers which plugin
registered it and a duplicate name can name both providers. A hook that raises takes out its
own plugin (reported by `genbench list plugins`), never the others.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from genbench.api.lazy import Deferred, import_target
from genbench.api.params import Param
from genbench.errors import PluginError, UnknownNameError, did_you_mean, short_repr
from genbench.plugin_manager import GenbenchPluginManager, PluginInfo, get_plugin_manager

KIND_HOOKS = {
    "model": "genbench_register_models",
    "divergence": "genbench_register_divergences",
    "metric": "genbench_register_metrics",
    "dataset": "genbench_register_datasets",
    "feature_extractor": "genbench_register_feature_extractors",
    "prior": "genbench_register_priors",
    "executor": "genbench_register_executors",
}
KIND_LABELS = {
    "model": "model",
    "divergence": "divergence",
    "metric": "metric",
    "dataset": "dataset",
    "feature_extractor": "feature extractor",
    "prior": "prior",
    "executor": "executor",
}
_KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


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
        self._failed: set[str] = set()
        for kind, hook_name in KIND_HOOKS.items():
            self._items[kind] = self._collect(kind, hook_name)
        for kind, items in self._items.items():
            self._items[kind] = {n: r for n, r in items.items() if r.plugin not in self._failed}

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
        if isinstance(registered.item, Deferred):
            loaded = import_target(registered.item.target)
            if getattr(loaded, "name", None) != name:
                raise PluginError(
                    f"plugin {registered.plugin!r}: {KIND_LABELS[kind]} {name!r} loads "
                    f"{registered.item.target!r}, whose name is {getattr(loaded, 'name', None)!r}"
                )
            registered = Registered(loaded, registered.plugin)
            self._items[kind][name] = registered
        return registered.item

    def describe(self, kind: str, name: str) -> Any:
        """The item as registered, without importing a deferred one: name, description and
        params (and whatever else it declares), for listings and spec validation."""
        return self.entry(kind, name).item

    def entry(self, kind: str, name: str) -> Registered:
        items = self._kind(kind)
        if name not in items:
            label = KIND_LABELS[kind]
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

    def _kind(self, kind: str) -> dict[str, Registered]:
        if kind not in self._items:
            raise UnknownNameError(f"unknown kind {kind!r}; {did_you_mean(kind, self._items)}")
        return self._items[kind]

    def _collect(self, kind: str, hook_name: str) -> dict[str, Registered]:
        items: dict[str, Registered] = {}
        caller = getattr(self.pm.hook, hook_name)
        for impl in caller.get_hookimpls():
            try:
                impl.function(register=self._registrar(kind, impl.plugin_name, items))
            except PluginError:
                raise  # a name clash or a malformed item: the user must choose or fix
            except Exception as exc:  # a broken plugin must not take the others down
                error = f"{hook_name} raised {type(exc).__name__}: {exc}"
                self._failed.add(impl.plugin_name)
                self.pm.disable(impl.plugin_name, error.splitlines()[0])
        return items

    def _registrar(
        self, kind: str, plugin: str, items: dict[str, Registered]
    ) -> Callable[[Any], None]:
        def register(item: Any) -> None:
            _validate_item(kind, plugin, item)
            if item.name in items:
                first, second = sorted((items[item.name].plugin, plugin))
                raise PluginError(
                    f"{KIND_LABELS[kind]} {item.name!r} is registered by both plugin {first!r} "
                    f"and plugin {second!r}; uninstall one or disable third-party plugins with "
                    f"GENBENCH_DISABLE_PLUGIN_AUTOLOAD=1"
                )
            items[item.name] = Registered(item, plugin)

        return register


def _validate_item(kind: str, plugin: str, item: Any) -> None:
    label = KIND_LABELS[kind]
    name = getattr(item, "name", None)
    if not isinstance(name, str) or not _KEBAB.match(name):
        raise PluginError(f"plugin {plugin!r} registered a {label} with invalid name {name!r}")
    if not isinstance(getattr(item, "description", None), str):
        raise PluginError(f"plugin {plugin!r}: {label} {name!r} has no description")
    params = getattr(item, "params", None)
    if not isinstance(params, tuple) or not all(isinstance(p, Param) for p in params):
        raise PluginError(f"plugin {plugin!r}: {label} {name!r} params must be a tuple of Param")


_active: Registry | None = None


def current() -> Registry:
    """The registry in use: the one `activate` set, else one loaded on first use."""
    global _active
    if _active is None:
        _active = Registry.load()
    return _active


def activate(registry: Registry | None) -> None:
    """Make `registry` the one `genbench.get` and `genbench.names` use (None: reload lazily)."""
    global _active
    _active = registry
