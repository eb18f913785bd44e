"""The spec validator: a parsed TOML table in, a `BenchmarkSpec` out, or a `SpecError` naming
the file and key path (with the closest valid names for unknown ones).

It also declares the keys a spec's tables take, with their defaults and help.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from genbench.api.kinds import KIND_BY_NAME
from genbench.api.params import Param, resolve_params
from genbench.devices import check_device_name
from genbench.errors import SpecError, UnknownNameError, UserError, did_you_mean, short_repr
from genbench.registry import Registry
from genbench.spec.benchmark import (
    DATA_ROOT_ENV,
    DEFAULT_DATA_ROOT,
    BenchmarkSpec,
    EntrySpec,
    EvaluationSpec,
    Overrides,
    resolve_data_root,
)
from genbench.spec.budget import Budget
from genbench.spec.seeds import check_seeds, parse_seeds

BENCHMARK_KEYS = (
    Param("name", "", "benchmark name (default: the file's stem); results go to <out>/<name>"),
    Param("description", "", "one line shown above the table"),
    Param("dataset", "", "dataset name (see `genbench list datasets`)"),
    Param(
        "budget", "60s", "training budget per run: '90s', '5m', '1h', '2000 steps' or '20 TFLOP'"
    ),
    Param("seeds", [0], "seeds to run every entry with"),
    Param("device", "auto", "auto (cuda, then mps, then cpu), cpu, cuda, cuda:N or mps"),
    Param("executor", "local", "where runs execute (see `genbench list executors`)"),
    Param(
        "compile",
        False,
        "torch.compile the training step (CUDA: as CUDA graphs); falls back to eager, on record",
    ),
    Param(
        "precision",
        "float32",
        "forward passes in float32 or under bfloat16 autocast",
        choices=("float32", "bf16"),
    ),
    Param(
        "data_root",
        "",
        f"where datasets are read or downloaded (default ${DATA_ROOT_ENV} or {DEFAULT_DATA_ROOT})",
    ),
)
EVALUATION_KEYS = (
    Param("samples", 10000, "generated and real samples per evaluation", minimum=2),
    Param("batch_size", 500, "batch size for sampling and feature extraction", minimum=1),
    Param("features", "identity", "feature extractor (see `genbench list features`)"),
    Param("metrics", ["fid", "precision-recall"], "metrics to compute"),
    Param("params", {}, "per-metric or per-extractor parameters: [evaluation.params.<name>]"),
    Param(
        "weights",
        "",
        "local weights file for the feature extractor (e.g. inception offline); "
        "passed to it as its `weights` parameter",
    ),
    Param("every", "", "score on the training clock every '15s' or 'N steps' (off: '')"),
    Param("every_samples", 1000, "samples per point of `every` (kept small: cheap)", minimum=2),
)
ENTRY_KEYS = ("name", "model")
INIT_FROM = "init_from"
ENTRY_SEEDS = "seeds"
_NAME = re.compile(r"^(?!\.+$)[A-Za-z0-9_.-]{1,100}$")
MAX_ENTRY_NAME = 100
TABLES = ("benchmark", "dataset", "evaluation", "executor", "entry")


class SpecValidator:
    """Checks one spec file's parsed table against the registry."""

    def __init__(self, path: Path, registry: Registry) -> None:
        self.path = path
        self.registry = registry

    def error(self, key: str, message: str) -> SpecError:
        return SpecError(self.path, key, message)

    def validate(self, raw: dict[str, Any], overrides: Overrides) -> BenchmarkSpec:
        for table in raw:
            if table not in TABLES:
                raise self.error(table, f"unknown table; {did_you_mean(table, TABLES)}")
        bench = self._section(raw, "benchmark", BENCHMARK_KEYS)
        bench = self._apply_overrides(bench, overrides)
        if not bench["dataset"]:
            raise self.error("benchmark.dataset", "missing; name a dataset, e.g. 'mnist'")
        dataset = self.lookup("dataset", bench["dataset"], "benchmark.dataset")
        executor = self.lookup("executor", bench["executor"], "benchmark.executor")
        seeds = self._seeds(bench["seeds"], "benchmark.seeds")
        name = bench["name"] or self.path.stem
        if not _NAME.match(name):
            message = f"{short_repr(name)} cannot name a results folder; "
            message += "use up to 100 letters, digits, '.', '_', '-'"
            raise self.error("benchmark.name", message)
        return BenchmarkSpec(
            path=self.path,
            name=name,
            description=bench["description"],
            dataset=dataset.name,
            dataset_params=self.item_params("dataset", dataset, raw.get("dataset", {}), "dataset"),
            budget=self._budget(bench["budget"], "--budget" if overrides.budget else None),
            seeds=seeds,
            device=self._device(bench["device"], "--device" if overrides.device else None),
            executor=executor.name,
            executor_params=self._executor_params(executor, raw, overrides.address),
            data_root=resolve_data_root(bench["data_root"]),
            evaluation=self._evaluation(raw.get("evaluation", {})),
            entries=self._entries(raw.get("entry"), seeds, own_seeds=overrides.seeds is None),
            compile=bench["compile"],
            precision=bench["precision"],
        )

    def _section(self, raw: dict[str, Any], table: str, keys: tuple[Param, ...]) -> dict[str, Any]:
        given = raw.get(table, {})
        if not isinstance(given, dict):
            raise self.error(table, "must be a table")
        return resolve_params(keys, given, f"[{table}]", prefix=f"{table}.")

    def _apply_overrides(self, bench: dict[str, Any], overrides: Overrides) -> dict[str, Any]:
        if overrides.seeds is not None:
            bench["seeds"] = parse_seeds(overrides.seeds, "--seeds: ")
        for key in ("budget", "device", "executor"):
            value = getattr(overrides, key)
            if value is not None:
                bench[key] = value
        return bench

    def _executor_params(
        self, executor: Any, raw: dict[str, Any], address: str | None
    ) -> dict[str, Any]:
        """The `[executor]` table's parameters; `--address` replaces the spec's `address`."""
        params = self.item_params("executor", executor, raw.get("executor", {}), "executor")
        if address is not None:
            if not any(param.name == "address" for param in executor.params):
                raise UserError(
                    f"--address: executor {executor.name!r} joins no cluster; "
                    "use it with --executor ray, or leave it out"
                )
            params["address"] = address
        return params

    def _budget(self, text: str, option: str | None) -> Budget:
        with self._blame("benchmark.budget", option):
            return Budget.parse(text)

    def _device(self, name: str, option: str | None) -> str:
        with self._blame("benchmark.device", option):
            check_device_name(name)
        return name

    @contextmanager
    def _blame(self, key: str, option: str | None) -> Iterator[None]:
        """Attribute a UserError to the command-line option that gave the value, else to the
        spec's key."""
        try:
            yield
        except UserError as exc:
            if option:
                raise UserError(f"{option}: {exc}") from None
            raise self.error(key, str(exc)) from None

    def _seeds(self, seeds: Any, key: str) -> tuple[int, ...]:
        try:
            return check_seeds(seeds)
        except UserError as exc:
            raise self.error(key, str(exc)) from None

    def lookup(self, kind: str, name: Any, key: str) -> Any:
        if not isinstance(name, str):
            raise self.error(key, f"expected a name (string), got {short_repr(name)}")
        try:
            return self.registry.describe(kind, name)
        except UnknownNameError as exc:
            raise self.error(key, str(exc)) from None

    def item_params(self, kind: str, item: Any, given: Any, key: str) -> dict[str, Any]:
        if not isinstance(given, dict):
            raise self.error(key, "must be a table of parameters")
        owner = f"{KIND_BY_NAME[kind].label} {item.name!r}"
        params = resolve_params(item.params, given, owner, prefix=f"{key}.")
        self._check_references(item.params, params, key)
        return params

    def _check_references(
        self, declared: tuple[Param, ...], params: dict[str, Any], key: str
    ) -> None:
        """Names of registry items (in tables too) exist; a `<name>_params` companion is
        resolved against the item it names."""
        for param in declared:
            value = params[param.name]
            if value is None:
                continue
            if param.fields:
                self._check_references(param.fields, value, f"{key}.{param.name}")
            if param.refers_to:
                target = self.lookup(param.refers_to, value, f"{key}.{param.name}")
                companion = f"{param.name}_params"
                if companion in params:
                    params[companion] = self.item_params(
                        param.refers_to, target, params[companion], f"{key}.{companion}"
                    )

    def _evaluation(self, given: Any) -> EvaluationSpec:
        values = self._section({"evaluation": given}, "evaluation", EVALUATION_KEYS)
        features = self.lookup("feature_extractor", values["features"], "evaluation.features")
        metrics = values["metrics"]
        if not metrics or not all(isinstance(m, str) for m in metrics):
            raise self.error("evaluation.metrics", "expected a non-empty list of metric names")
        metric_items = [
            self.lookup("metric", name, f"evaluation.metrics[{i}]")
            for i, name in enumerate(metrics)
        ]
        params = values["params"]
        if not isinstance(params, dict):
            raise self.error("evaluation.params", "must be a table of tables")
        owners = {
            features.name: ("feature_extractor", features),
            **{m.name: ("metric", m) for m in metric_items},
        }
        for name in params:
            if name not in owners:
                message = f"not a metric or extractor in use; {did_you_mean(name, owners)}"
                raise self.error(f"evaluation.params.{name}", message)
        given = {**params, features.name: self._weights(features, values["weights"], params)}
        resolved = {
            name: self.item_params(kind, item, given.get(name, {}), f"evaluation.params.{name}")
            for name, (kind, item) in owners.items()
        }
        return EvaluationSpec(
            samples=values["samples"],
            batch_size=values["batch_size"],
            features=features.name,
            feature_params=resolved[features.name],
            metrics=tuple(m.name for m in metric_items),
            metric_params={m.name: resolved[m.name] for m in metric_items},
            every=self._every(values["every"]),
            every_samples=values["every_samples"],
        )

    def _every(self, text: str) -> Budget | None:
        if not text:
            return None
        with self._blame("evaluation.every", None):
            every = Budget.parse(text)
        if every.flops is not None:
            raise self.error("evaluation.every", "give seconds or steps, e.g. '15s' or '500 steps'")
        return every

    def _weights(self, features: Any, weights: str, params: dict[str, Any]) -> dict[str, Any]:
        """The extractor's given parameters with `[evaluation] weights` forwarded into them."""
        own = params.get(features.name, {})
        if not weights:
            return own
        if not any(param.name == "weights" for param in features.params):
            message = f"feature extractor {features.name!r} takes no weights file; remove the key"
            raise self.error("evaluation.weights", message)
        if isinstance(own, dict) and "weights" in own:
            message = f"given twice, here and in [evaluation.params.{features.name}]; keep one"
            raise self.error("evaluation.weights", message)
        return {**own, "weights": weights} if isinstance(own, dict) else own

    def _entries(
        self, entries: Any, seeds: tuple[int, ...], own_seeds: bool
    ) -> tuple[EntrySpec, ...]:
        """The entries; with `own_seeds` False (`--seeds` given) an entry's `seeds` key yields
        to the command line's."""
        if not entries:
            raise self.error("entry", "no [[entry]] tables; add at least one entry to train")
        if not isinstance(entries, list):
            raise self.error("entry", "must be an array of tables: write [[entry]]")
        specs: list[EntrySpec] = []
        for index, entry in enumerate(entries):
            key = f"entry[{index}]"
            if not isinstance(entry, dict):
                raise self.error(key, "must be a table")
            for required in ENTRY_KEYS:
                if required not in entry:
                    raise self.error(f"{key}.{required}", "missing")
            name = entry["name"]
            if not isinstance(name, str) or not name.strip():
                raise self.error(f"{key}.name", "expected a non-empty string")
            if len(name) > MAX_ENTRY_NAME:
                message = f"{len(name)} characters; name entries in at most {MAX_ENTRY_NAME}"
                raise self.error(f"{key}.name", message)
            if any(s.name == name for s in specs):
                raise self.error(f"{key}.name", f"duplicate entry name {short_repr(name)}")
            model = self.lookup("model", entry["model"], f"{key}.model")
            own = {*ENTRY_KEYS, INIT_FROM, ENTRY_SEEDS}
            given = {k: v for k, v in entry.items() if k not in own}
            params = self.item_params("model", model, given, key)
            entry_seeds = None
            if ENTRY_SEEDS in entry and own_seeds:
                entry_seeds = self._seeds(entry[ENTRY_SEEDS], f"{key}.{ENTRY_SEEDS}")
            specs.append(EntrySpec(name, model.name, params, entry.get(INIT_FROM), entry_seeds))
        for index, spec in enumerate(specs):
            self._check_init_from(index, spec, specs, seeds)
        return tuple(specs)

    def _check_start_seeds(
        self, index: int, entry: EntrySpec, base: EntrySpec, seeds: tuple[int, ...]
    ) -> None:
        """Every seed of an entry that starts from another has that entry's run to start from."""
        missing = set(entry.seeds_or(seeds)) - set(base.seeds_or(seeds))
        if missing:
            listed = ", ".join(str(seed) for seed in sorted(missing)[:5])
            message = f"seeds {listed} have no run of {base.name!r} to start from; "
            message += f"give {base.name!r} those seeds too"
            raise self.error(f"entry[{index}].{ENTRY_SEEDS}", message)

    def _check_init_from(
        self, index: int, entry: EntrySpec, entries: list[EntrySpec], seeds: tuple[int, ...]
    ) -> None:
        """`init_from` names another entry, without a cycle, and the model accepts it."""
        key = f"entry[{index}].{INIT_FROM}"
        family = self.registry.describe("model", entry.model)
        if entry.init_from is None:
            if family.init_from == "required":
                message = f"missing; model {entry.model!r} fine-tunes a trained entry: name one"
                raise self.error(key, message)
            return
        if family.init_from == "never":
            raise self.error(key, f"model {entry.model!r} trains from scratch; remove this key")
        if not isinstance(entry.init_from, str):
            message = f"expected an entry name (string), got {short_repr(entry.init_from)}"
            raise self.error(key, message)
        names = {other.name: other for other in entries}
        if entry.init_from not in names:
            hint = did_you_mean(entry.init_from, [n for n in names if n != entry.name])
            raise self.error(key, f"no entry {short_repr(entry.init_from)}; {hint}")
        chain = [entry.name]
        current: EntrySpec | None = names[entry.init_from]
        while current is not None:
            if current.name in chain:
                cycle = " -> ".join([*chain, current.name])
                raise self.error(key, f"entries start from each other in a cycle: {cycle}")
            chain.append(current.name)
            current = names.get(current.init_from) if current.init_from is not None else None
        self._check_start_seeds(index, entry, names[entry.init_from], seeds)
