"""The latent-prior item: a registered builder of `LatentPrior`s (genbench.api.latent_prior)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from genbench.api.params import Param

if TYPE_CHECKING:
    from genbench.api.latent_prior import LatentPrior


@dataclass(frozen=True)
class Prior:
    """A registered prior; `build(latent_dim, params)` makes a fresh `LatentPrior`."""

    name: str
    description: str
    build: Callable[[int, dict[str, Any]], LatentPrior]
    params: tuple[Param, ...] = ()
