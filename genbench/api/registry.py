"""What a plugin may ask of the registry it is handed (`BuildContext.registry`): the items
other plugins registered, looked up by kind and name.

A Protocol, so the contract names the registry without importing genbench's own
(`genbench.registry.Registry` is one), and a test can hand a builder a plain stand-in.
"""

from __future__ import annotations

from typing import Any, Protocol


class Registry(Protocol):
    """Registered items by kind ("divergence", "network", "prior", ...) and name."""

    def get(self, kind: str, name: str) -> Any:
        """The item itself, imported now if it was registered lazily; an unknown name raises
        `UnknownNameError` with the closest valid names."""
        ...

    def describe(self, kind: str, name: str) -> Any:
        """The item as registered (name, description, params), without importing a lazy
        one: for validating parameters before anything is built."""
        ...

    def names(self, kind: str) -> list[str]:
        """The sorted names registered under `kind`."""
        ...
