"""The `[search]` table: a hyperparameter search that gives every entry the same tuning.

Lucic et al. (2018) found that most differences between GAN losses vanish once each gets the
same search budget: a comparison on one hand-picked recipe per entry says which recipe was
luckier. So the table sets one number of trials, one sampler and one budget per trial (the
benchmark's) for every entry; only the space may differ, and only where an entry says so
(`search_space`), which the report then states. Every value is checked here, the space's ends
and choices on each entry's model family included, before anything trains.
"""

from __future__ import annotations

import copy
import importlib.util
import re
from typing import Any

from genbench.api.params import Param
from genbench.errors import ParamError, did_you_mean, short_repr
from genbench.spec.benchmark import EntrySpec, EvaluationSpec
from genbench.spec.checker import SpecChecker
from genbench.spec.evaluation_table import metric_columns
from genbench.spec.searching import Dimension, SearchSpec

SEARCH_TABLE = "search"
SEARCH_SPACE = "search_space"  # an entry's own additions to the shared space
SAMPLERS = ("tpe", "random", "quasi-random")
PRUNE_RULES = ("none", "median", "halving")
KINDS = ("log_uniform", "uniform", "int", "log_int", "choice")
SEARCH_KEYS = (
    Param("trials", 20, "trials per entry, the same for every entry", minimum=1),
    Param("sampler", "tpe", "how trials are chosen", choices=SAMPLERS),
    Param("metric", "", "the metric column the search minimises or maximises (default: fid's)"),
    Param(
        "prune",
        "none",
        "stop hopeless trials on the [evaluation] every curves: median (worse than the "
        "completed trials' median) or halving (not in the best third at points 2, 6, 18...)",
        choices=PRUNE_RULES,
    ),
    Param(
        "prune_after",
        5,
        "finished trials of an entry before any of its trials is pruned",
        minimum=1,
    ),
    Param(
        "seed", 0, "seed of the samplers; trial n of an entry trains with seed 1000 + n", minimum=0
    ),
    Param("space", {}, "the searched parameters: { lr_g = { log_uniform = [1e-5, 1e-3] } }"),
)
_PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\])*$")
_SEGMENT = re.compile(r"\.?([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]")


def check_search(
    checker: SpecChecker,
    raw: Any,
    entries: tuple[EntrySpec, ...],
    own_spaces: dict[str, Any],
    evaluation: EvaluationSpec,
) -> SearchSpec:
    """The `[search]` table for these entries (their own `search_space` tables in
    `own_spaces`, by entry name)."""
    values = checker.section({SEARCH_TABLE: raw}, SEARCH_TABLE, SEARCH_KEYS)
    for module, package in (("optuna", "optuna"), ("tomli_w", "tomli-w")):
        if importlib.util.find_spec(module) is None:
            message = f"a search needs {package}: pip install 'genbench[search]'"
            raise checker.error(SEARCH_TABLE, message)
    for entry in entries:
        if entry.init_from is not None:
            message = (
                f"entry {entry.name!r} starts from another (init_from), which a search cannot "
                "tune yet; search its base entry, or run it in a spec without [search]"
            )
            raise checker.error(SEARCH_TABLE, message)
    metric, higher = _metric(checker, values["metric"], evaluation)
    if values["prune"] != "none" and evaluation.every is None:
        message = (
            f"{values['prune']!r} prunes on the [evaluation] every curves; set "
            "[evaluation] every (e.g. '500 steps'), or prune = 'none'"
        )
        raise checker.error(f"{SEARCH_TABLE}.prune", message)
    shared = _dimensions(checker, values["space"], f"{SEARCH_TABLE}.space")
    spaces = _entry_spaces(checker, shared, entries, own_spaces)
    return SearchSpec(
        trials=values["trials"],
        sampler=values["sampler"],
        metric=metric,
        higher_is_better=higher,
        prune=values["prune"],
        prune_after=values["prune_after"],
        seed=values["seed"],
        spaces=spaces,
        own_space=tuple(name for name in own_spaces if own_spaces[name]),
    )


def with_value(params: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy of `params` with the value at `path` replaced; a table that is off (None) is
    made, a list (a tuple once resolved) is copied."""
    result = copy.deepcopy(params)
    segments = [name or int(index) for name, index in _SEGMENT.findall(path)]
    holder: Any = result
    for segment in segments[:-1]:
        child = holder[segment]
        child = {} if child is None else list(child) if isinstance(child, tuple) else child
        holder[segment] = child
        holder = child
    holder[segments[-1]] = value
    return result


def root_name(path: str) -> str:
    """The model parameter a path starts at."""
    return _SEGMENT.findall(path)[0][0]


def _metric(checker: SpecChecker, given: str, evaluation: EvaluationSpec) -> tuple[str, bool]:
    """The searched metric column and whether higher is better, from the metrics' columns."""
    columns = metric_columns(checker, evaluation)
    key = given or ("fid" if "fid" in columns else "")
    if not key:
        message = f"missing; name the metric column to optimise, one of {', '.join(columns)}"
        raise checker.error(f"{SEARCH_TABLE}.metric", message)
    if key not in columns:
        hint = did_you_mean(key, columns)
        message = f"{key!r} is no column of the [evaluation] metrics; {hint}"
        raise checker.error(f"{SEARCH_TABLE}.metric", message)
    if columns[key].higher_is_better is None:
        message = f"{key!r} has no better direction to optimise; name another column"
        raise checker.error(f"{SEARCH_TABLE}.metric", message)
    return key, bool(columns[key].higher_is_better)


def _dimensions(checker: SpecChecker, space: Any, key: str) -> tuple[Dimension, ...]:
    if not isinstance(space, dict):
        raise checker.error(key, "must be a table: { lr_g = { log_uniform = [1e-5, 1e-3] } }")
    return tuple(_dimension(checker, path, given, f"{key}.{path}") for path, given in space.items())


def _dimension(checker: SpecChecker, path: str, given: Any, key: str) -> Dimension:
    if not _PATH.match(path):
        message = "name a model parameter, a table's field (penalties.r1) or an item (betas[0])"
        raise checker.error(key, message)
    if not isinstance(given, dict) or len(given) != 1:
        example = "{ log_uniform = [1e-5, 1e-3] } or { choice = [1, 5] }"
        raise checker.error(key, f"expected one distribution, e.g. {example}")
    ((kind, values),) = given.items()
    if kind not in KINDS:
        raise checker.error(key, f"unknown distribution {kind!r}; {did_you_mean(kind, KINDS)}")
    if not isinstance(values, list) or not values:
        raise checker.error(f"{key}.{kind}", "expected a non-empty list")
    if kind == "choice":
        if len(set(map(repr, values))) != len(values):
            raise checker.error(f"{key}.{kind}", "lists a value twice")
        return Dimension(path, kind, tuple(values))
    return Dimension(path, kind, _range(checker, kind, values, f"{key}.{kind}"))


def _range(checker: SpecChecker, kind: str, values: list[Any], key: str) -> tuple[Any, ...]:
    number = int if kind.endswith("int") else (int, float)
    if len(values) != 2 or not all(
        isinstance(v, number) and not isinstance(v, bool) for v in values
    ):
        wanted = "integers" if number is int else "numbers"
        raise checker.error(key, f"expected [low, high], two {wanted}, got {short_repr(values)}")
    low, high = values
    if not low < high:
        raise checker.error(key, f"low {low!r} must be below high {high!r}")
    if kind.startswith("log") and low <= 0:
        raise checker.error(key, f"a log scale needs low > 0, got {low!r}")
    return (low, high) if number is int else (float(low), float(high))


def _entry_spaces(
    checker: SpecChecker,
    shared: tuple[Dimension, ...],
    entries: tuple[EntrySpec, ...],
    own_spaces: dict[str, Any],
) -> dict[str, tuple[Dimension, ...]]:
    """Each entry's dimensions: the shared ones its family takes, replaced or extended by its
    own; a shared one that no entry takes, or an entry's own its family does not, is refused."""
    families = [checker.registry.describe("model", entry.model) for entry in entries]
    taken_somewhere = {param.name for family in families for param in family.params}
    for dimension in shared:
        if root_name(dimension.path) not in taken_somewhere:
            models = ", ".join(sorted({entry.model for entry in entries}))
            hint = did_you_mean(root_name(dimension.path), sorted(taken_somewhere))
            message = f"no entry's model ({models}) takes it; {hint}"
            raise checker.error(f"{SEARCH_TABLE}.space.{dimension.path}", message)
    spaces: dict[str, tuple[Dimension, ...]] = {}
    for index, (entry, family) in enumerate(zip(entries, families, strict=True)):
        names = {param.name for param in family.params}
        taken = {d.path: d for d in shared if root_name(d.path) in names}
        key = f"entry[{index}].{SEARCH_SPACE}"
        for dimension in _dimensions(checker, own_spaces.get(entry.name, {}), key):
            if root_name(dimension.path) not in names:
                hint = did_you_mean(root_name(dimension.path), sorted(names))
                message = f"model {entry.model!r} has no parameter of that name; {hint}"
                raise checker.error(f"{key}.{dimension.path}", message)
            taken[dimension.path] = dimension
        if not taken:
            message = f"entry {entry.name!r} has nothing to search; give [search.space] keys"
            raise checker.error(f"{SEARCH_TABLE}.space", message)
        _check_ends(checker, family, entry, tuple(taken.values()), own_spaces, index)
        spaces[entry.name] = tuple(taken.values())
    return spaces


def _check_ends(
    checker: SpecChecker,
    family: Any,
    entry: EntrySpec,
    dimensions: tuple[Dimension, ...],
    own_spaces: dict[str, Any],
    index: int,
) -> None:
    """Each end and choice of each dimension is a valid value of the entry's parameter."""
    own = own_spaces.get(entry.name, {})
    for dimension in dimensions:
        where = f"entry[{index}].{SEARCH_SPACE}" if dimension.path in own else "search.space"
        key = f"{where}.{dimension.path}"
        for value in dimension.values:
            try:
                params = with_value(entry.params, dimension.path, value)
            except (KeyError, IndexError, TypeError):
                message = f"{entry.name!r}'s model {entry.model!r} has no such place"
                raise checker.error(key, message) from None
            try:
                checker.item_params("model", family, params, f"entry[{index}]")
            except ParamError as exc:
                message = f"{short_repr(value)} is refused for {entry.name!r}: {exc.reason}"
                raise checker.error(key, message) from None
