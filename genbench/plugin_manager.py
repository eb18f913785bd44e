"""The plugin manager: built-ins and third-party plugins, loaded through entry points.

Each entry point's load is wrapped, so a broken plugin is reported (with its distribution and
the error) and the others still load. Built-ins are declared in the same `genbench` group; any
built-in the entry points did not provide (an uninstalled checkout) is imported directly.
`GENBENCH_DISABLE_PLUGIN_AUTOLOAD=1` skips third-party entry points.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import os
from dataclasses import dataclass
from types import ModuleType

import pluggy

from genbench.api import hookspecs

ENTRY_POINT_GROUP = "genbench"
DISTRIBUTION = "genbench"
AUTOLOAD_ENV = "GENBENCH_DISABLE_PLUGIN_AUTOLOAD"
BUILTIN_MODULES = (
    "genbench.default_plugins.local",
    "genbench_data",
    "genbench_executors",
    "genbench_fgan",
    "genbench_gan",
    "genbench_gmgan",
    "genbench_loggers",
    "genbench_metrics",
    "genbench_networks",
    "genbench_objectives",
    "genbench_prdiv",
    "genbench_wgan",
)


@dataclass(frozen=True)
class PluginInfo:
    """One plugin as `genbench list plugins` shows it; `error` is set when it failed to load."""

    name: str
    module: str
    distribution: str | None
    version: str | None
    builtin: bool
    error: str | None = None


class GenbenchPluginManager(pluggy.PluginManager):
    """A pluggy manager that remembers where each plugin came from and what failed."""

    def __init__(self) -> None:
        super().__init__(hookspecs.PROJECT)
        self.add_hookspecs(hookspecs)
        self.infos: list[PluginInfo] = []

    def add(self, module: ModuleType, info: PluginInfo) -> None:
        """Register `module`, or record why it cannot be (bad hook names or signatures)."""
        try:
            self.register(module, name=info.name)
            self.check_pending()
        except (ValueError, pluggy.PluginValidationError) as exc:
            if self.is_registered(module):
                self.unregister(module)
            info = PluginInfo(**{**info.__dict__, "error": f"{type(exc).__name__}: {exc}"})
        self.infos.append(info)

    def fail(self, info: PluginInfo, exc: BaseException) -> None:
        self.infos.append(PluginInfo(**{**info.__dict__, "error": f"{type(exc).__name__}: {exc}"}))

    def disable(self, name: str, error: str) -> None:
        """Take out a loaded plugin that failed later (its registration hook raised): its
        hooks no longer run and `genbench list plugins` shows why."""
        plugin = self.get_plugin(name)
        if plugin is not None:
            self.unregister(plugin)
        self.infos = [
            PluginInfo(**{**info.__dict__, "error": error}) if info.name == name else info
            for info in self.infos
        ]

    def provides(self, module_name: str) -> bool:
        return any(info.module == module_name for info in self.infos)


def autoload_enabled() -> bool:
    return os.environ.get(AUTOLOAD_ENV, "").strip().lower() not in {"1", "true", "yes"}


def get_plugin_manager(autoload: bool | None = None) -> GenbenchPluginManager:
    """A fresh manager with the built-ins and, unless disabled, every installed plugin."""
    pm = GenbenchPluginManager()
    load_third_party = autoload_enabled() if autoload is None else autoload
    for entry_point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        dist = entry_point.dist
        builtin = dist is not None and _normalise(dist.name) == DISTRIBUTION
        if builtin or load_third_party:
            _load_entry_point(pm, entry_point, builtin)
    for module_name in BUILTIN_MODULES:
        if not pm.provides(module_name):
            _load_builtin(pm, module_name)
    return pm


def _load_entry_point(
    pm: GenbenchPluginManager, entry_point: importlib.metadata.EntryPoint, builtin: bool
) -> None:
    dist = entry_point.dist
    info = PluginInfo(
        name=entry_point.name,
        module=entry_point.value,
        distribution=dist.name if dist else None,
        version=dist.version if dist else None,
        builtin=builtin,
    )
    if pm.provides(info.module) or pm.has_plugin(info.name):
        return  # the same distribution found twice on sys.path (e.g. editable + build dir)
    try:
        module = entry_point.load()
    except Exception as exc:  # a broken plugin must not take the others down
        pm.fail(info, exc)
        return
    pm.add(module, info)


def _load_builtin(pm: GenbenchPluginManager, module_name: str) -> None:
    try:
        version = importlib.metadata.version(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        version = None
    info = PluginInfo(module_name, module_name, DISTRIBUTION, version, builtin=True)
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:
        pm.fail(info, exc)
        return
    pm.add(module, info)


def _normalise(distribution: str) -> str:
    return distribution.lower().replace("_", "-").replace(".", "-")
