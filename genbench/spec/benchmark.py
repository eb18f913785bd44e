"""A benchmark spec as validated dataclasses: what every later step reads.

This module holds the dataclasses and their hashes; `genbench.spec.load` reads a file,
`genbench.spec.validate` checks it (with `entries` and `evaluation_table`), and
`genbench.spec.keys` knows the spec's keys.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from genbench.spec.budget import Budget
from genbench.spec.searching import PruneBounds, SearchSpec

DATA_ROOT_ENV = "GENBENCH_DATA_ROOT"
DEFAULT_DATA_ROOT = "~/.cache/genbench/data"


@dataclass(frozen=True)
class Overrides:
    """Command-line values that replace the file's; `address` replaces the `[executor]`
    table's (the cluster `--executor ray` joins)."""

    budget: str | None = None
    seeds: str | None = None
    device: str | None = None
    executor: str | None = None
    address: str | None = None


@dataclass(frozen=True)
class EntrySpec:
    """One entry; `init_from` names the entry whose trained model (same seed) it starts from;
    `seeds`, when given, replace the benchmark's for this entry (10 trials for the rows held
    against a paper, 3 for the rest); `prune`, which a search writes into its trials, stops a
    run that falls behind on the training clock."""

    name: str
    model: str
    params: dict[str, Any]
    init_from: str | None = None
    seeds: tuple[int, ...] | None = None
    prune: PruneBounds | None = None

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
    every: Budget | None = None  # metrics over training time; see genbench.engine.timeline
    every_samples: int = 1000
    split: str = "train"  # of the real reference set
    reference: str = "subset"  # or "all" of the split


REFERENCE_FIELDS = ("split", "reference")


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
    recipe: dict[str, Any] = field(default_factory=dict)  # as given; entries hold it resolved
    precision: str = "float32"
    search: SearchSpec | None = None
    checkpoint_every: Budget | None = None  # resumable states; changes no result, not hashed

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
        # The real set's split and extent only when not the defaults, and the timeline only when
        # set, so that the records of specs without them keep their hashes; the timeline is made
        # in training.
        for field_ in fields(EvaluationSpec):
            if (
                field_.name in REFERENCE_FIELDS
                and config["evaluation"][field_.name] == field_.default
            ):
                del config["evaluation"][field_.name]
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
    if entry.prune is None:  # only when set, so that records without it keep their hashes
        del config["prune"]
    return config


def config_hash(config: Mapping[str, Any]) -> str:
    text = json.dumps(config, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def training_hash(config: Mapping[str, Any]) -> str:
    """The hash of what determines training alone: a run whose evaluation settings changed
    keeps its checkpoint and is only evaluated again."""
    return config_hash({key: value for key, value in config.items() if key != "evaluation"})


def resolve_data_root(given: str | Path | None) -> Path:
    """Where datasets are read or downloaded: the given folder, else $GENBENCH_DATA_ROOT, else
    ~/.cache/genbench/data; the one rule for runs and `genbench eval` alike."""
    root = given or os.environ.get(DATA_ROOT_ENV) or DEFAULT_DATA_ROOT
    return Path(os.path.expanduser(root))
