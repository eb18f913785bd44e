"""The run record: one typed object per run, written by the sweep and read by every report.

A record is JSON on disk (`record.json`, indented, keys sorted, so a person can read it) and a
`RunRecord` in memory; tables, figures and hooks read its attributes, never dict keys.

Reading validates: a record that is not a JSON object, lacks a required field or holds a
value of the wrong type raises `RecordError`, and the caller treats the run as damaged (it is
reported and trained again), never as silently absent. Records of schema 1 (the first layout,
without `schema_version`) are migrated on read.

Adding a field: give it a default (`cpu_seconds: float | None = None`, or
`field(default_factory=dict)`) in the dataclass it belongs to. Older records lack it and read
with the default; no schema bump or migration is needed. Bump `SCHEMA_VERSION` and add a
step to `_MIGRATIONS` only when a field is renamed, removed or changes meaning.
"""

from __future__ import annotations

import dataclasses
import json
import types
from dataclasses import dataclass, field
from typing import Any, Union, get_args, get_origin, get_type_hints

from genbench.errors import UserError, short_repr

SCHEMA_VERSION = 2
STATUSES = ("ok", "diverged", "pruned", "failed")


class RecordError(UserError):
    """A record that cannot be read as a `RunRecord`; the message says which field and why."""


@dataclass(kw_only=True)
class TrainFacts:
    """How training went: wall seconds on the training clock, generator and critic steps; the
    process CPU seconds beside them, the intra-op threads it was given and the share of them it
    got (`contended` when well below: the budget was not really granted); the training FLOPs
    (counted once per step shape); whether the step was compiled; how many runs shared the
    machine (`jobs`); whether the critic scored real and generated batches in one pass
    (`joint_critic`); the step a run resumed from after it was killed (`resumed_at`, None when
    it trained in one go; its CPU seconds then count the last stretch only); the processes that
    trained it together (`ranks`, torchrun's; its FLOPs count every rank's). Fields added after
    schema 2 default to None, False or 1, so older records still read."""

    seconds: float = 0.0
    steps: int = 0
    critic_steps: int = 0
    batch_size: int = 0
    steps_per_second: float = 0.0
    samples_per_second: float = 0.0
    final_losses: dict[str, float] = field(default_factory=dict)
    cpu_seconds: float | None = None
    threads: int | None = None
    cpu_share: float | None = None
    contended: bool = False
    flops: float | None = None
    flops_per_step: dict[str, float] = field(default_factory=dict)
    compiled: bool = False
    compile_error: str | None = None
    jobs: int | None = None
    joint_critic: bool = False
    resumed_at: int | None = None
    ranks: int = 1


@dataclass(kw_only=True)
class DatasetFacts:
    """The data a run trained on; `fallback` says why a stand-in was used, if one was;
    `sample_shape`, the shape of one sample, lets a generator be rebuilt from its run folder
    without loading the data (empty in records written before it was kept)."""

    name: str
    source: str = ""
    fallback: str | None = None
    fingerprint: str = ""
    train_size: int = 0
    sample_shape: list[int] = field(default_factory=list)


@dataclass(kw_only=True)
class FeatureFacts:
    """The extractor the metrics were computed on: FIDs of different extractors differ."""

    name: str
    info: dict[str, Any] = field(default_factory=dict)
    reference: dict[str, Any] | None = None


@dataclass(kw_only=True)
class ModelFacts:
    """The model family and its plugin; `ema` is the decay of the averaged generator that was
    evaluated (None: the raw generator); the parameter counts of G and D, which papers report
    beside their numbers (None in records written before genbench counted them); `classes`,
    the classes a conditional model generates on request (None: unconditional)."""

    name: str
    plugin: str = ""
    ema: float | None = None
    generator_parameters: int | None = None
    critic_parameters: int | None = None
    classes: int | None = None


@dataclass(kw_only=True)
class ColumnFacts:
    """A metric column as the table shows it (see `genbench.api.metric.Column`)."""

    key: str
    label: str
    higher_is_better: bool | None = None
    digits: int = 3


@dataclass(kw_only=True)
class CurveFacts:
    x: list[float]
    y: list[float]
    x_label: str = ""
    y_label: str = ""


@dataclass(kw_only=True)
class TimelineFacts:
    """Metrics at fixed points of the training clock (`[evaluation] every`) on `samples`
    samples: per point its training seconds and steps; per metric key a value per point."""

    every: str
    samples: int
    seconds: list[float] = field(default_factory=list)
    steps: list[int] = field(default_factory=list)
    values: dict[str, list[float | None]] = field(default_factory=dict)


@dataclass(kw_only=True)
class Divergence:
    """Where and why training stopped on a non-finite loss."""

    step: int
    reason: str


@dataclass(kw_only=True)
class Pruned:
    """Where and why a search's pruning rule stopped the run: at generator step `step`, on
    timeline point `point` (from 1)."""

    step: int
    point: int
    reason: str


@dataclass(kw_only=True)
class RunError:
    """The exception that failed a run; the traceback is kept for the person debugging it."""

    type: str
    message: str
    traceback: str = ""


@dataclass(kw_only=True)
class RunRecord:
    """Everything known about one run (entry x seed): configuration, provenance, training,
    metrics and status (`ok`, `diverged` with `diverged`, `pruned` with `pruned`, `failed`
    with `error`)."""

    schema_version: int = SCHEMA_VERSION
    benchmark: str
    entry: str
    entry_index: int = 0
    run_dir: str = ""
    seed: int
    status: str = "failed"
    config: dict[str, Any]
    config_hash: str
    training_hash: str = ""
    training_reused: bool = False
    model: ModelFacts | None = None
    dataset: DatasetFacts
    features: FeatureFacts
    eval_samples: int = 0
    columns: list[ColumnFacts] = field(default_factory=list)
    device: str = ""
    machine: dict[str, Any] = field(default_factory=dict)
    versions: dict[str, Any] = field(default_factory=dict)
    plugins: dict[str, str] = field(default_factory=dict)
    train: TrainFacts = field(default_factory=TrainFacts)
    metrics: dict[str, float | None] = field(default_factory=dict)
    curves: dict[str, CurveFacts] = field(default_factory=dict)
    timeline: TimelineFacts | None = None
    eval_seconds: float | None = None
    diverged: Divergence | None = None
    pruned: Pruned | None = None
    error: RunError | None = None
    started_at: str = ""
    finished_at: str = ""

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_dict(cls, data: Any) -> RunRecord:
        """A validated record from parsed JSON, migrated from an older schema if need be."""
        if not isinstance(data, dict):
            raise RecordError(f"expected a JSON object, got {type(data).__name__}")
        version = data.get("schema_version", 1)
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise RecordError(f"schema_version: expected a positive integer, got {version!r}")
        if version > SCHEMA_VERSION:
            raise RecordError(
                f"schema {version} is newer than this genbench reads ({SCHEMA_VERSION}); "
                f"upgrade genbench"
            )
        for step in range(version, SCHEMA_VERSION):
            data = _MIGRATIONS[step](data)
        record: RunRecord = _build(cls, data, "")
        if record.status not in STATUSES:
            raise RecordError(f"status: {short_repr(record.status)} is not one of {STATUSES}")
        return record

    @classmethod
    def from_json(cls, text: str) -> RunRecord:
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise RecordError(f"not valid JSON ({exc})") from None
        return cls.from_dict(data)


def _from_schema_1(data: dict[str, Any]) -> dict[str, Any]:
    """Schema 1 had the same fields, untyped and unversioned; it only gains the version."""
    return {**data, "schema_version": 2}


_MIGRATIONS = {1: _from_schema_1}


def _build(cls: type, data: Any, where: str) -> Any:
    if not isinstance(data, dict):
        raise RecordError(f"{where or 'record'}: expected an object, got {short_repr(data)}")
    hints = get_type_hints(cls)
    values = {}
    for spec in dataclasses.fields(cls):
        key = f"{where}.{spec.name}" if where else spec.name
        if spec.name in data:
            values[spec.name] = _convert(hints[spec.name], data[spec.name], key)
        elif spec.default is dataclasses.MISSING and spec.default_factory is dataclasses.MISSING:
            raise RecordError(f"{key}: missing")
    # Keys this version does not know (written by a newer one) are ignored.
    return cls(**values)


def _convert(hint: Any, value: Any, where: str) -> Any:
    origin = get_origin(hint)
    if hint is Any:
        return value
    if origin in (Union, types.UnionType):
        options = get_args(hint)
        if value is None and type(None) in options:
            return None
        for option in options:
            if option is type(None):
                continue
            try:
                return _convert(option, value, where)
            except RecordError:
                continue
        raise RecordError(f"{where}: unexpected value {short_repr(value)}")
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _build(hint, value, where)
    if origin is dict:
        _, item = get_args(hint)
        if not isinstance(value, dict):
            raise RecordError(f"{where}: expected an object, got {short_repr(value)}")
        return {k: _convert(item, v, f"{where}.{k}") for k, v in value.items()}
    if origin is list:
        (item,) = get_args(hint)
        if not isinstance(value, list):
            raise RecordError(f"{where}: expected a list, got {short_repr(value)}")
        return [_convert(item, v, f"{where}[{i}]") for i, v in enumerate(value)]
    if hint is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if hint is bool and isinstance(value, bool):
        return value
    if hint in (int, str) and isinstance(value, hint) and not isinstance(value, bool):
        return value
    expected = getattr(hint, "__name__", hint)
    raise RecordError(f"{where}: expected {expected}, got {short_repr(value)}")
