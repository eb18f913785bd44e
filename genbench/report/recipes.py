"""Which entries differ in training recipe beside their objective, for the table to say so.

A table that compares objectives is fair only when the entries share everything else. Each
model family marks the parameters of its recipe (`Param.recipe`: network, optimiser, learning
rates, batch, critic steps, regularisers, stabilisers); for each such parameter the value most
entries share is the reference, and an entry that differs from it is marked in the table with
what it changes. A family that does not declare a recipe parameter (a vanilla GAN has no
gradient clipping) stands at that parameter's default, which is its off value. Families with no
recipe parameters at all (a fine-tuning family that inherits its recipe from the entry it
starts from) are not compared; neither are models this installation does not know.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from genbench.api.params import Param
from genbench.api.record import RunRecord
from genbench.errors import UnknownNameError
from genbench.registry import current
from genbench.spec.recipe import recipe_params

RECIPE_MARK = "§"


def recipe_differences(records: list[RunRecord]) -> dict[str, list[str]]:
    """Per entry that differs from the shared recipe, its differences as `name value (most
    entries: value)`, in the families' parameter order."""
    entries = _entries(records)
    declared = _recipe_params(entries)
    if len(entries) < 2 or not declared:
        return {}
    values = {
        entry: {name: _value(params, name, declared) for name in declared}
        for entry, params in entries.items()
    }
    differences: dict[str, list[str]] = {entry: [] for entry in entries}
    for name, param in declared.items():
        reference = _most_shared([values[entry][name] for entry in entries])
        for entry in entries:
            value = values[entry][name]
            if value != reference:
                shown = f"{_shown(value, param)} (most entries: {_shown(reference, param)})"
                differences[entry].append(f"{name} {shown}")
    return {entry: changes for entry, changes in differences.items() if changes}


def recipe_note(differences: dict[str, list[str]]) -> str:
    described = "; ".join(
        f"{entry}: {', '.join(changes)}" for entry, changes in differences.items()
    )
    return (
        f"{RECIPE_MARK} trained on another recipe than most entries, beside its objective, so "
        f"its difference from them is not the objective's alone: {described}."
    )


def _entries(records: list[RunRecord]) -> dict[str, tuple[list[Param], dict[str, Any]]]:
    """Each entry's recipe parameters (as its family declares them) and resolved values."""
    registry = current()
    entries: dict[str, tuple[list[Param], dict[str, Any]]] = {}
    for record in sorted(records, key=lambda r: (r.entry_index, r.seed)):
        entry = record.config.get("entry", {})
        if record.entry in entries or "model" not in entry:
            continue
        try:
            family = registry.describe("model", entry["model"])
        except UnknownNameError:
            continue
        recipe = list(recipe_params(family).values())
        if recipe:
            entries[record.entry] = (recipe, entry.get("params", {}))
    return entries


def _recipe_params(entries: dict[str, tuple[list[Param], dict[str, Any]]]) -> dict[str, Param]:
    declared: dict[str, Param] = {}
    for params, _ in entries.values():
        for param in params:
            declared.setdefault(param.name, param)
    return declared


def _value(entry: tuple[list[Param], dict[str, Any]], name: str, declared: dict[str, Param]) -> str:
    """The entry's value as canonical JSON (so a list and a tuple compare equal); a parameter
    its family does not declare stands at its default."""
    params, values = entry
    takes = any(param.name == name for param in params)
    value = values.get(name) if takes else declared[name].default
    return json.dumps(value, sort_keys=True, default=str)


def _most_shared(values: list[str]) -> str:
    """The value most entries have; on a tie, the first entry's."""
    counts = Counter(values)
    top = max(counts.values())
    return next(value for value in values if counts[value] == top)


def _shown(canonical: str, param: Param) -> str:
    """A value as `genbench list` describes it: None is "off" for a table, else "auto"."""
    value = json.loads(canonical)
    if value is None:
        return "off" if param.fields else "auto"
    if isinstance(value, float):
        return f"{value:g}"
    return canonical.replace('"', "")
