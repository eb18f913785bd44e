"""The specs a search writes: a round's trials, and the benchmark on its best settings.

Both are the user's spec as written, with the command line's overrides (budget, device,
executor, seeds) written in, the `[search]` table removed and the entries replaced, so that a
worker process, a Ray task or a Slurm job loads them as it loads any spec, and a reader can run
`best.toml` alone. A searched value is written as its parameter's whole value as the entry
would have it (a recipe's table or list included): an entry's own key replaces the recipe's.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import tomli_w

from genbench.api.storage import write_atomic
from genbench.spec.benchmark import BenchmarkSpec, EntrySpec
from genbench.spec.early_stop import PRUNE
from genbench.spec.keys import ENTRY_SEEDS
from genbench.spec.search_table import SEARCH_SPACE, SEARCH_TABLE, root_name, with_value


def entry_table(
    spec: BenchmarkSpec, entry: EntrySpec, values: dict[str, Any], name: str | None = None
) -> dict[str, Any]:
    """`entry` as the user wrote it, renamed `name`, with the searched `values` (by path) in."""
    table = {
        key: value for key, value in _raw_entry(spec, entry.name).items() if key != SEARCH_SPACE
    }
    params = entry.params
    for path, value in values.items():
        params = with_value(params, path, value)
    for root in dict.fromkeys(root_name(path) for path in values):
        table[root] = params[root]
    if name is not None:
        table["name"] = name
    return table


def trial_table(
    spec: BenchmarkSpec,
    entry: EntrySpec,
    values: dict[str, Any],
    name: str,
    seed: int,
    bounds: dict[str, Any] | None,
) -> dict[str, Any]:
    """One trial: the entry on `values`, trained with `seed`, pruned by `bounds` (its
    `prune` table, as `PruneBounds.to_table` wrote it when the trial was asked)."""
    table = {**entry_table(spec, entry, values, name), ENTRY_SEEDS: [seed]}
    if bounds is not None:
        table[PRUNE] = bounds
    return table


def write_spec(spec: BenchmarkSpec, name: str, entries: list[dict[str, Any]], path: Path) -> None:
    """The user's spec named `name`, with the overrides in and these entry tables."""
    raw = _raw(spec)
    raw.pop(SEARCH_TABLE, None)
    bench = raw.setdefault("benchmark", {})
    bench.update(
        name=name,
        budget=str(spec.budget),
        seeds=list(spec.seeds),
        device=spec.device,
        executor=spec.executor,
    )
    executor = _without_none(spec.executor_params)
    if executor:
        raw["executor"] = executor
    raw["entry"] = entries
    write_atomic(path, tomli_w.dumps(_without_none(raw)).encode())


def _without_none(value: Any) -> Any:
    """TOML has no null: a key whose value is None (off, automatic) is left out, which means
    the same, its default."""
    if isinstance(value, dict):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_without_none(v) for v in value]
    return value


def _raw(spec: BenchmarkSpec) -> dict[str, Any]:
    return tomllib.loads(spec.path.read_text(encoding="utf-8"))


def _raw_entry(spec: BenchmarkSpec, name: str) -> dict[str, Any]:
    entry = next(table for table in _raw(spec)["entry"] if table["name"] == name)
    if spec.entry(name).seeds is None:  # --seeds replaced the entry's own
        entry.pop(ENTRY_SEEDS, None)
    return entry
