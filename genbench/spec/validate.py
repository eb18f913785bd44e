"""The spec validator: a parsed TOML table in, a `BenchmarkSpec` out, or a `SpecError` naming
the file and key path (with the closest valid names for unknown ones).

This module checks the `[benchmark]`, `[dataset]` and `[executor]` tables and the command-line
overrides; the `[evaluation]` table's checks live in `genbench.spec.evaluation_table`, the
entries' in `genbench.spec.entries`, what they share in `genbench.spec.checker`, and the keys
every table takes in `genbench.spec.keys`.
"""

from __future__ import annotations

from typing import Any

from genbench.devices import check_device_name
from genbench.errors import UserError, did_you_mean, short_repr
from genbench.spec.benchmark import BenchmarkSpec, Overrides, resolve_data_root
from genbench.spec.budget import Budget
from genbench.spec.checker import SpecChecker
from genbench.spec.entries import check_entries
from genbench.spec.evaluation_table import check_evaluation
from genbench.spec.keys import BENCHMARK_KEYS, BENCHMARK_NAME, TABLES
from genbench.spec.recipe import RECIPE_TABLE, check_recipe_table
from genbench.spec.search_table import SEARCH_SPACE, SEARCH_TABLE, check_search
from genbench.spec.searching import SearchSpec
from genbench.spec.seeds import parse_seeds


class SpecValidator(SpecChecker):
    """Checks one spec file's parsed table against the registry."""

    def validate(self, raw: dict[str, Any], overrides: Overrides) -> BenchmarkSpec:
        for table in raw:
            if table not in TABLES:
                raise self.error(table, f"unknown table; {did_you_mean(table, TABLES)}")
        bench = self._apply_overrides(self.section(raw, "benchmark", BENCHMARK_KEYS), overrides)
        if not bench["dataset"]:
            raise self.error("benchmark.dataset", "missing; name a dataset, e.g. 'mnist'")
        dataset = self.lookup("dataset", bench["dataset"], "benchmark.dataset")
        executor = self.lookup("executor", bench["executor"], "benchmark.executor")
        seeds = self.seeds(bench["seeds"], "benchmark.seeds")
        recipe = check_recipe_table(self, raw.get(RECIPE_TABLE, {}))
        name = self._name(bench["name"] or self.path.stem)
        evaluation = check_evaluation(self, raw.get("evaluation", {}))
        entries = check_entries(
            self, raw.get("entry"), seeds, overrides.seeds is None, recipe, evaluation
        )
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
            evaluation=evaluation,
            entries=entries,
            recipe=recipe,
            search=self._search(raw, entries, evaluation),
            compile=bench["compile"],
            precision=bench["precision"],
            checkpoint_every=self._checkpoint_every(bench["checkpoint_every"]),
        )

    def _checkpoint_every(self, text: str) -> Budget | None:
        if not text:
            return None
        with self.blame("benchmark.checkpoint_every", None):
            every = Budget.parse(text)
        if every.flops is not None:
            message = "a time ('10m') or a step count ('5000 steps'), not FLOPs"
            raise self.error("benchmark.checkpoint_every", message)
        return every

    def _search(
        self, raw: dict[str, Any], entries: tuple[Any, ...], evaluation: Any
    ) -> SearchSpec | None:
        """The `[search]` table, with each entry's own `search_space`; None without one."""
        own = {entry["name"]: entry.get(SEARCH_SPACE, {}) for entry in raw["entry"]}
        if SEARCH_TABLE not in raw:
            for index, entry in enumerate(raw["entry"]):
                if SEARCH_SPACE in entry:
                    message = "searched only with a [search] table; add one or remove this key"
                    raise self.error(f"entry[{index}].{SEARCH_SPACE}", message)
            return None
        return check_search(self, raw[SEARCH_TABLE], entries, own, evaluation)

    def _name(self, name: str) -> str:
        """The benchmark's name, which names its results folder."""
        if not BENCHMARK_NAME.match(name):
            message = f"{short_repr(name)} cannot name a results folder; "
            message += "use up to 100 letters, digits, '.', '_', '-'"
            raise self.error("benchmark.name", message)
        return name

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
        with self.blame("benchmark.budget", option):
            return Budget.parse(text)

    def _device(self, name: str, option: str | None) -> str:
        with self.blame("benchmark.device", option):
            check_device_name(name)
        return name
