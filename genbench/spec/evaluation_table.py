"""The `[evaluation]` table's checks: the feature extractor and metrics exist, their parameters
(`[evaluation.params.<name>]`, the `weights` shortcut) are theirs, and `every` is a clock (seconds,
steps or training FLOPs)."""

from __future__ import annotations

from typing import Any

from genbench.api.metric import Column
from genbench.errors import did_you_mean
from genbench.spec.benchmark import EvaluationSpec
from genbench.spec.budget import Budget
from genbench.spec.checker import SpecChecker
from genbench.spec.keys import EVALUATION_KEYS


def check_evaluation(checker: SpecChecker, given: Any) -> EvaluationSpec:
    """The `[evaluation]` table as an EvaluationSpec, or a SpecError naming the key."""
    values = checker.section({"evaluation": given}, "evaluation", EVALUATION_KEYS)
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
    )


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
    given = {**params, features.name: _weights(checker, features, values["weights"], params)}
    return {
        name: checker.item_params(kind, item, given.get(name, {}), f"evaluation.params.{name}")
        for name, (kind, item) in owners.items()
    }


def _every(checker: SpecChecker, text: str) -> Budget | None:
    if not text:
        return None
    with checker.blame("evaluation.every", None):
        return Budget.parse(text)


def _weights(
    checker: SpecChecker, features: Any, weights: str, params: dict[str, Any]
) -> dict[str, Any]:
    """The extractor's given parameters with `[evaluation] weights` forwarded into them."""
    own = params.get(features.name, {})
    if not weights:
        return own
    if not any(param.name == "weights" for param in features.params):
        message = f"feature extractor {features.name!r} takes no weights file; remove the key"
        raise checker.error("evaluation.weights", message)
    if isinstance(own, dict) and "weights" in own:
        message = f"given twice, here and in [evaluation.params.{features.name}]; keep one"
        raise checker.error("evaluation.weights", message)
    return {**own, "weights": weights} if isinstance(own, dict) else own


def metric_columns(checker: SpecChecker, evaluation: EvaluationSpec) -> dict[str, Column]:
    """Every column (`genbench.Column`) the evaluation's metrics report, by key: what a search
    optimises and an entry's `prune` bounds are held to."""
    return {
        column.key: column
        for name in evaluation.metrics
        for column in checker.registry.describe("metric", name).columns
    }
