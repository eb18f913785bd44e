"""The `[recipe]` table: the training recipe stated once for every entry.

A comparison of objectives is fair only when the entries share everything else: network,
optimiser, learning rates, batch, critic steps, regularisers, weight average. `[recipe]` sets
those parameters (the ones a model family marks `recipe=True`) for every entry whose family
takes them; an entry's own value of a key replaces the recipe's whole value (a table such as
`network_params` is not merged, so an entry on another network never inherits the first
network's settings). A key that no entry's family takes as a recipe parameter is refused, so
a misspelt key cannot silently leave the entries on their own defaults.
"""

from __future__ import annotations

from typing import Any

from genbench.api.params import Param
from genbench.errors import did_you_mean
from genbench.spec.checker import SpecChecker

RECIPE_TABLE = "recipe"


def recipe_params(family: Any) -> dict[str, Param]:
    """The parameters of a model family that belong to its training recipe."""
    return {param.name: param for param in family.params if param.recipe}


def check_recipe_table(checker: SpecChecker, recipe: Any) -> dict[str, Any]:
    if not isinstance(recipe, dict):
        raise checker.error(RECIPE_TABLE, "must be a table of model parameters")
    return dict(recipe)


def inherited(checker: SpecChecker, recipe: dict[str, Any], family: Any) -> dict[str, Any]:
    """The recipe's values this family takes, each checked under the key `recipe.<name>` so
    that a bad value is blamed on the recipe, not on the entry that inherits it."""
    taken = {key: value for key, value in recipe.items() if key in recipe_params(family)}
    if taken:
        checker.item_params("model", family, taken, RECIPE_TABLE)
    return taken


def check_every_key_taken(
    checker: SpecChecker, recipe: dict[str, Any], families: list[Any]
) -> None:
    """Each recipe key is a recipe parameter of at least one entry's model family."""
    known = {name for family in families for name in recipe_params(family)}
    for key in recipe:
        if key not in known:
            models = ", ".join(sorted({family.name for family in families}))
            raise checker.error(
                f"{RECIPE_TABLE}.{key}",
                f"no entry's model ({models}) takes it as a recipe parameter; "
                f"{did_you_mean(key, sorted(known))}",
            )
