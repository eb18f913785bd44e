"""The model contract: a family registers a builder (`ModelFamily`); the builder gets a
`BuildContext` and returns an `AdversarialModel` (genbench.api.adversarial)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from genbench.api.params import Param

if TYPE_CHECKING:
    import torch

    from genbench.api.adversarial import AdversarialModel
    from genbench.api.registry import Registry


@dataclass(frozen=True)
class InitSource:
    """The trained entry a model starts from (the spec's `init_from`), same seed.

    `load()` rebuilds that entry's model from its checkpoint, prior included, so a fine-tuning
    family takes over exactly the networks and latent distribution that were evaluated.
    """

    entry: str
    model: str
    load: Callable[[], AdversarialModel]


@dataclass(frozen=True)
class BuildContext:
    """What a model builder gets: validated parameters, the data's sample shape, the registry
    to look up the items its parameters name (a prior, a divergence), for an entry with
    `init_from`, the trained model to start from, and, for data with labels, each class's
    share of the training labels (what a conditional model needs: `make_conditional`)."""

    params: dict[str, Any]
    sample_shape: tuple[int, ...]
    device: torch.device
    registry: Registry
    init: InitSource | None = None
    class_frequencies: torch.Tensor | None = None


@dataclass(frozen=True)
class ModelFamily:
    """A registered model family; `build` makes a fresh model on `context.device`.

    `init_from` says whether an entry of this family may ("optional"), must ("required") or
    cannot ("never") start from another entry's trained model; the spec validator enforces it.
    """

    name: str
    description: str
    build: Callable[[BuildContext], AdversarialModel]
    params: tuple[Param, ...] = ()
    init_from: Literal["never", "optional", "required"] = "never"
