"""What the commands share: the console and the registry, loaded with its plugin warnings."""

from __future__ import annotations

import click
from rich.console import Console

import genbench.registry as registry_module
from genbench.registry import Registry


def make_console() -> Console:
    """A console; when output is not a terminal (CI logs, pipes), wide enough for the table."""
    console = Console()
    return console if console.is_terminal else Console(width=max(console.width, 160))


def load_registry() -> Registry:
    registry = Registry.load()
    registry_module.activate(registry)
    for info in registry.plugins:
        if info.error and not info.builtin:
            source = f" (distribution {info.distribution})" if info.distribution else ""
            click.echo(
                f"warning: plugin {info.name}{source} is left out: {info.error}; "
                f"the other plugins work",
                err=True,
            )
    return registry
