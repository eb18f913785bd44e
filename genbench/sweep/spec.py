"""Benchmark specs: TOML in, validated dataclasses out.

Everything is checked before anything trains: unknown keys and names (with the closest valid
ones), types, budgets and plugin parameters. Errors name the file and the key path. This
module holds the dataclasses, their hashes and the loading; `genbench.sweep.validate` the
checks and the spec's keys.
"""

from __future__ import annotations

import hashlib
import json
import os
import tomllib
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from genbench.errors import ParamError, SpecError
from genbench.registry import Registry
from genbench.sweep.budget import Budget

DATA_ROOT_ENV = "GENBENCH_DATA_ROOT"
DEFAULT_DATA_ROOT = "~/.cache/genbench/data"
MAX_SPEC_BYTES = 1 << 20


@dataclass(frozen=True)
class Overrides:
    """Command-line values that replace the file's."""

    budget: str | None = None
    seeds: str | None = None
    device: str | None = None
    executor: str | None = None


@dataclass(frozen=True)
class EntrySpec:
    """One entry; `init_from` names the entry whose trained model (same seed) it starts from;
    `seeds`, when given, replace the benchmark's for this entry (10 trials for the rows held
    against a paper, 3 for the rest)."""

    name: str
    model: str
    params: dict[str, Any]
    init_from: str | None = None
    seeds: tuple[int, ...] | None = None

    def seeds_or(self, benchmark_seeds: tuple[int, ...]) -> tuple[int, ...]:
        """The seeds this entry trains with: its own, else the benchmark's."""
        return self.seeds if self.seeds is not None else benchmark_seeds


@dataclass(frozen=True)
class EvaluationSpec:
    samples: int
    batch_size: int
    features: str
    feature_params: dict[str, Any]
    metrics: tuple[str, ...]
    metric_params: dict[str, dict[str, Any]]
    every: Budget | None = None  # metrics over training time; see genbench.sweep.timeline
    every_samples: int = 1000


@dataclass(frozen=True)
class BenchmarkSpec:
    path: Path
    name: str
    description: str
    dataset: str
    dataset_params: dict[str, Any]
    budget: Budget
    seeds: tuple[int, ...]
    device: str
    executor: str
    executor_params: dict[str, Any]
    data_root: Path
    evaluation: EvaluationSpec
    entries: tuple[EntrySpec, ...] = field(default_factory=tuple)
    compile: bool = False
    precision: str = "float32"

    def entry(self, name: str) -> EntrySpec:
        return next(entry for entry in self.entries if entry.name == name)

    def run_config(self, entry: EntrySpec, seed: int) -> dict[str, Any]:
        """What determines a run's result; its hash decides whether a record can be reused.

        An entry that starts from another includes that run's training hash, so retraining
        the starting entry retrains everything built on it.
        """
        config: dict[str, Any] = {
            "benchmark": self.name,
            "dataset": {"name": self.dataset, "params": self.dataset_params},
            "entry": _entry_config(entry),
            "seed": seed,
            "budget": str(self.budget),
            "evaluation": asdict(self.evaluation),
        }
        # Only when set (hashes of specs without it stay); the timeline is made in training.
        every = config["evaluation"].pop("every"), config["evaluation"].pop("every_samples")
        if every[0] is not None:
            config["timeline"] = {"every": str(every[0]), "samples": every[1]}
        # Only when set, so that the records of specs without them keep their hashes.
        engine = {"compile": self.compile, "precision": self.precision}
        if engine != {"compile": False, "precision": "float32"}:
            config["engine"] = engine
        if entry.init_from is not None:
            parent = self.run_config(self.entry(entry.init_from), seed)
            config["init_from"] = {"entry": entry.init_from, "training_hash": training_hash(parent)}
        return config

    def training_order(self) -> tuple[EntrySpec, ...]:
        """Entries in spec order, except that an entry comes after the one it starts from."""
        ordered: list[EntrySpec] = []

        def visit(entry: EntrySpec) -> None:
            if entry in ordered:
                return
            if entry.init_from is not None:
                visit(self.entry(entry.init_from))
            ordered.append(entry)

        for entry in self.entries:
            visit(entry)
        return tuple(ordered)


def _entry_config(entry: EntrySpec) -> dict[str, Any]:
    """The entry as it decides a run's result: its own `seeds` list names which runs exist, not
    what any of them does, so giving an entry more seeds keeps the records it has."""
    config = asdict(entry)
    del config["seeds"]
    return config


def config_hash(config: Mapping[str, Any]) -> str:
    text = json.dumps(config, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def training_hash(config: Mapping[str, Any]) -> str:
    """The hash of what determines training alone: a run whose evaluation settings changed
    keeps its checkpoint and is only evaluated again."""
    return config_hash({key: value for key, value in config.items() if key != "evaluation"})


def load_spec(
    path: str | Path, registry: Registry, overrides: Overrides | None = None
) -> BenchmarkSpec:
    """Read and validate a spec file; raises SpecError naming the file and key path."""
    path = Path(path)
    try:
        raw = tomllib.loads(_read_text(path))
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(path, "", f"invalid TOML: {_first_line(exc)}") from None
    if not raw:
        message = "holds no settings; a spec needs [benchmark] and [[entry]] (see examples/)"
        raise SpecError(path, "", message)
    # Imported here: the validator builds this module's dataclasses, so it imports this module.
    from genbench.sweep.validate import SpecValidator

    try:
        return SpecValidator(path, registry).validate(raw, overrides or Overrides())
    except ParamError as exc:
        raise SpecError(path, exc.key, exc.reason) from None


def _read_text(path: Path) -> str:
    """The spec's text, or a SpecError saying why it cannot be a spec (a size check comes
    first, so a huge file is neither read whole nor echoed into a message)."""
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise SpecError(path, "", "is a directory, not a spec file; name a .toml file")
        if size > MAX_SPEC_BYTES:
            size_text = f"{size / 2**20:.1f} MiB"
            message = f"is {size_text}; a spec is a few KB of TOML: is it the right file?"
            raise SpecError(path, "", message)
        data = path.read_bytes()
    except FileNotFoundError:
        raise SpecError(path, "", "no such file") from None
    except OSError as exc:
        raise SpecError(path, "", f"cannot read it ({exc.strerror or exc})") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        where = f"byte {data[exc.start]:#04x} at offset {exc.start}"
        message = f"is not UTF-8 text ({where}); save it as UTF-8"
        raise SpecError(path, "", message) from None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def resolve_data_root(given: str | Path | None) -> Path:
    """Where datasets are read or downloaded: the given folder, else $GENBENCH_DATA_ROOT, else
    ~/.cache/genbench/data; the one rule for runs and `genbench eval` alike."""
    root = given or os.environ.get(DATA_ROOT_ENV) or DEFAULT_DATA_ROOT
    return Path(os.path.expanduser(root))
