"""The `[evaluation]` table's checks: the feature extractor and metrics exist, their parameters
(`[evaluation.params.<name>]`, the `weights` and `protocol` shortcuts) are theirs, a preset is
not contradicted, and `every` is a clock (seconds, steps or training FLOPs)."""

from __future__ import annotations

from typing import Any

from genbench.api.metric import Column
from genbench.errors import did_you_mean
from genbench.spec.benchmark import EvaluationSpec
from genbench.spec.budget import Budget
from genbench.spec.checker import SpecChecker
from genbench.spec.keys import EVALUATION_KEYS, EVALUATION_PRESETS

SHORTCUTS = {
    "weights": "takes no weights file",
    "protocol": "has no FID protocol (only extractors that resize images do)",
}
"""`[evaluation]` keys forwarded to the parameter of the same name of the extractor and the
metrics, and what the user is told when none of them takes it."""


def check_evaluation(checker: SpecChecker, given: Any) -> EvaluationSpec:
    """The `[evaluation]` table as an EvaluationSpec, or a SpecError naming the key."""
    values = checker.section({"evaluation": given}, "evaluation", EVALUATION_KEYS)
    _apply_preset(checker, values, given)
    features = checker.lookup("feature_extractor", values["features"], "evaluation.features")
    metrics = values["metrics"]
    if not metrics or not all(isinstance(m, str) for m in metrics):
        raise checker.error("evaluation.metrics", "expected a non-empty list of metric names")
    metric_items = [
        checker.lookup("metric", name, f"evaluation.metrics[{i}]") for i, name in enumerate(metrics)
    ]
    resolved = _item_params(checker, values, features, metric_items)
    return EvaluationSpec(
        samples=values["samples"],
        batch_size=values["batch_size"],
        features=features.name,
        feature_params=resolved[features.name],
        metrics=tuple(m.name for m in metric_items),
        metric_params={m.name: resolved[m.name] for m in metric_items},
        every=_every(checker, values["every"]),
        every_samples=values["every_samples"],
        split=values["split"],
        reference=values["reference"],
    )


def _apply_preset(checker: SpecChecker, values: dict[str, Any], given: Any) -> None:
    """Set what the preset sets; a key given beside it would leave the reader guessing which
    of the two holds."""
    if not values["preset"]:
        return
    for key, value in EVALUATION_PRESETS[values["preset"]].items():
        if key in given:
            message = (
                f"given beside preset = {values['preset']!r}, which sets it to {value!r}; "
                f"drop one of them"
            )
            raise checker.error(f"evaluation.{key}", message)
        values[key] = value


def _item_params(
    checker: SpecChecker, values: dict[str, Any], features: Any, metric_items: list[Any]
) -> dict[str, dict[str, Any]]:
    """The extractor's and each metric's parameters by name; a table in
    `[evaluation.params]` must name one of them."""
    params = values["params"]
    if not isinstance(params, dict):
        raise checker.error("evaluation.params", "must be a table of tables")
    owners = {
        features.name: ("feature_extractor", features),
        **{m.name: ("metric", m) for m in metric_items},
    }
    for name in params:
        if name not in owners:
            message = f"not a metric or extractor in use; {did_you_mean(name, owners)}"
            raise checker.error(f"evaluation.params.{name}", message)
    given = _shortcuts(checker, values, params, owners)
    return {
        name: checker.item_params(kind, item, given.get(name, {}), f"evaluation.params.{name}")
        for name, (kind, item) in owners.items()
    }


def _every(checker: SpecChecker, text: str) -> Budget | None:
    if not text:
        return None
    with checker.blame("evaluation.every", None):
        return Budget.parse(text)


def _shortcuts(
    checker: SpecChecker,
    values: dict[str, Any],
    params: dict[str, Any],
    owners: dict[str, tuple[str, Any]],
) -> dict[str, Any]:
    """The given parameters with each `[evaluation]` shortcut forwarded to every item in use
    that takes it (the extractor, and metrics with networks of their own such as
    inception-score), so one weights file and one protocol serve them all."""
    given = dict(params)
    for key, refusal in SHORTCUTS.items():
        if not values[key]:
            continue
        takers = [
            name for name, (_, item) in owners.items() if any(p.name == key for p in item.params)
        ]
        if not takers:
            features = next(iter(owners))
            message = f"feature extractor {features!r} {refusal}; remove the key"
            raise checker.error(f"evaluation.{key}", message)
        for name in takers:
            own = given.get(name, {})
            if isinstance(own, dict) and key in own:
                message = f"given twice, here and in [evaluation.params.{name}]; keep one"
                raise checker.error(f"evaluation.{key}", message)
            given[name] = {**own, key: values[key]} if isinstance(own, dict) else own
    return given


def metric_columns(checker: SpecChecker, evaluation: EvaluationSpec) -> dict[str, Column]:
    """Every column (`genbench.Column`) the evaluation's metrics report, by key: what a search
    optimises and an entry's `prune` bounds are held to."""
    return {
        column.key: column
        for name in evaluation.metrics
        for column in checker.registry.describe("metric", name).columns
    }
