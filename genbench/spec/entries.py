"""The `[[entry]]` tables' checks: each entry's name and model, its model's parameters (on the
`[recipe]`, see `genbench.spec.recipe`), its own seeds, and `init_from` (another entry, no
cycle, a model that takes it, a run per seed)."""

from __future__ import annotations

from typing import Any

from genbench.errors import did_you_mean, short_repr
from genbench.spec.benchmark import EntrySpec, EvaluationSpec
from genbench.spec.checker import SpecChecker
from genbench.spec.early_stop import PRUNE, check_prune
from genbench.spec.keys import ENTRY_KEYS, ENTRY_SEEDS, INIT_FROM, MAX_ENTRY_NAME
from genbench.spec.recipe import check_every_key_taken, inherited
from genbench.spec.search_table import SEARCH_SPACE


def check_entries(
    checker: SpecChecker,
    entries: Any,
    seeds: tuple[int, ...],
    own_seeds: bool,
    recipe: dict[str, Any],
    evaluation: EvaluationSpec,
) -> tuple[EntrySpec, ...]:
    """The entries, each on the `[recipe]` where its model takes it; with `own_seeds` False
    (`--seeds` given) an entry's `seeds` key yields to the command line's. An entry's
    `search_space` is the `[search]` table's to read (`genbench.spec.search_table`)."""
    if not entries:
        raise checker.error("entry", "no [[entry]] tables; add at least one entry to train")
    if not isinstance(entries, list):
        raise checker.error("entry", "must be an array of tables: write [[entry]]")
    specs: list[EntrySpec] = []
    for index, entry in enumerate(entries):
        specs.append(_entry(checker, index, entry, specs, own_seeds, recipe, evaluation))
    families = [checker.registry.describe("model", spec.model) for spec in specs]
    check_every_key_taken(checker, recipe, families)
    for index, spec in enumerate(specs):
        _check_init_from(checker, index, spec, specs, seeds)
    _check_conditional_metrics(checker, specs, evaluation)
    return tuple(specs)


def _check_conditional_metrics(
    checker: SpecChecker, specs: list[EntrySpec], evaluation: EvaluationSpec
) -> None:
    """A metric that scores samples by their requested class is refused where an entry
    generates no class on request."""
    for name in evaluation.metrics:
        if not checker.registry.get("metric", name).conditional:
            continue
        plain = [spec.name for spec in specs if not spec.params.get("conditional")]
        if plain:
            raise checker.error(
                "evaluation.metrics",
                f"{name!r} scores conditional samples, but entry {plain[0]!r} is not "
                f"conditional; set conditional = true on it or remove {name!r}",
            )


def _entry(
    checker: SpecChecker,
    index: int,
    entry: Any,
    earlier: list[EntrySpec],
    own_seeds: bool,
    recipe: dict[str, Any],
    evaluation: EvaluationSpec,
) -> EntrySpec:
    """Entry number `index`, its name distinct from the `earlier` entries'."""
    key = f"entry[{index}]"
    if not isinstance(entry, dict):
        raise checker.error(key, "must be a table")
    for required in ENTRY_KEYS:
        if required not in entry:
            raise checker.error(f"{key}.{required}", "missing")
    name = entry["name"]
    if not isinstance(name, str) or not name.strip():
        raise checker.error(f"{key}.name", "expected a non-empty string")
    if len(name) > MAX_ENTRY_NAME:
        message = f"{len(name)} characters; name entries in at most {MAX_ENTRY_NAME}"
        raise checker.error(f"{key}.name", message)
    if any(s.name == name for s in earlier):
        raise checker.error(f"{key}.name", f"duplicate entry name {short_repr(name)}")
    model = checker.lookup("model", entry["model"], f"{key}.model")
    own = {*ENTRY_KEYS, INIT_FROM, ENTRY_SEEDS, SEARCH_SPACE, PRUNE}
    given = {k: v for k, v in entry.items() if k not in own}
    params = checker.item_params(
        "model", model, {**inherited(checker, recipe, model), **given}, key
    )
    entry_seeds = None
    if ENTRY_SEEDS in entry and own_seeds:
        entry_seeds = checker.seeds(entry[ENTRY_SEEDS], f"{key}.{ENTRY_SEEDS}")
    prune = None
    if PRUNE in entry:
        prune = check_prune(checker, entry[PRUNE], f"{key}.{PRUNE}", evaluation)
    return EntrySpec(name, model.name, params, entry.get(INIT_FROM), entry_seeds, prune)


def _check_start_seeds(
    checker: SpecChecker, index: int, entry: EntrySpec, base: EntrySpec, seeds: tuple[int, ...]
) -> None:
    """Every seed of an entry that starts from another has that entry's run to start from."""
    missing = set(entry.seeds_or(seeds)) - set(base.seeds_or(seeds))
    if missing:
        listed = ", ".join(str(seed) for seed in sorted(missing)[:5])
        message = f"seeds {listed} have no run of {base.name!r} to start from; "
        message += f"give {base.name!r} those seeds too"
        raise checker.error(f"entry[{index}].{ENTRY_SEEDS}", message)


def _check_init_from(
    checker: SpecChecker,
    index: int,
    entry: EntrySpec,
    entries: list[EntrySpec],
    seeds: tuple[int, ...],
) -> None:
    """`init_from` names another entry, without a cycle, and the model accepts it."""
    key = f"entry[{index}].{INIT_FROM}"
    family = checker.registry.describe("model", entry.model)
    if entry.init_from is None:
        if family.init_from == "required":
            message = f"missing; model {entry.model!r} fine-tunes a trained entry: name one"
            raise checker.error(key, message)
        return
    if family.init_from == "never":
        raise checker.error(key, f"model {entry.model!r} trains from scratch; remove this key")
    if not isinstance(entry.init_from, str):
        message = f"expected an entry name (string), got {short_repr(entry.init_from)}"
        raise checker.error(key, message)
    names = {other.name: other for other in entries}
    if entry.init_from not in names:
        hint = did_you_mean(entry.init_from, [n for n in names if n != entry.name])
        raise checker.error(key, f"no entry {short_repr(entry.init_from)}; {hint}")
    base = names[entry.init_from]
    _check_no_cycle(checker, key, entry, base, names)
    _check_start_seeds(checker, index, entry, base, seeds)


def _check_no_cycle(
    checker: SpecChecker, key: str, entry: EntrySpec, base: EntrySpec, names: dict[str, EntrySpec]
) -> None:
    """Following `init_from` from `entry` through `base` ends at an entry that trains from
    scratch."""
    chain = [entry.name]
    current: EntrySpec | None = base
    while current is not None:
        if current.name in chain:
            cycle = " -> ".join([*chain, current.name])
            raise checker.error(key, f"entries start from each other in a cycle: {cycle}")
        chain.append(current.name)
        current = names.get(current.init_from) if current.init_from is not None else None
