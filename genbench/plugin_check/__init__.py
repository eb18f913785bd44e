"""`genbench check-plugin`: every item of a plugin imported and run once on a tiny probe, so a
broken plugin is found by its author in seconds, not by a sweep that records its runs as failed.

Registration is lazy (`genbench.lazy("module:function")`), so a misspelt target or a missing
module would otherwise surface only when a run first calls it. Each item's lazy targets are
imported first; then each kind is exercised as a sweep uses it: a network built and run forward
and backward, a metric computed and its columns read, a dataset loaded, a feature extractor
built and applied, a model trained a few steps by the engine, a prior sampled, a divergence's
losses probed for float32 traps. An executor only has its code imported: running one is a sweep.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from genbench.api.lazy import LazyCallable
from genbench.api.registry import Registry
from genbench.errors import first_line
from genbench.plugin_check.dataset import dataset_findings
from genbench.plugin_check.divergence import divergence_findings
from genbench.plugin_check.features import feature_findings
from genbench.plugin_check.findings import Findings
from genbench.plugin_check.metric import metric_findings
from genbench.plugin_check.model import model_findings, prior_findings
from genbench.plugin_check.network import network_findings


@dataclass(frozen=True)
class ItemCheck:
    """What the check of one registered item found."""

    plugin: str
    kind: str
    name: str
    findings: Findings


def check_item(registry: Registry, plugin: str, kind: str, name: str) -> ItemCheck:
    findings = Findings()
    try:
        item = registry.get(kind, name)
    except Exception as exc:  # a plugin's import or type error is what this command reports
        findings.problems.append(f"cannot be loaded: {_described(exc)}")
        return ItemCheck(plugin, kind, name, findings)
    findings.problems += _lazy_target_problems(item)
    if not findings.problems:
        try:
            findings.add(_probe(kind, registry)(item))
        except Exception as exc:  # the plugin's bug, reported as one line
            findings.problems.append(f"raised {_described(exc)}")
    return ItemCheck(plugin, kind, name, findings)


def _lazy_target_problems(item: Any) -> list[str]:
    """Import every `genbench.lazy` target the item holds, so a misspelt one fails here."""
    values = (
        [getattr(item, f.name) for f in dataclasses.fields(item)]
        if dataclasses.is_dataclass(item)
        else list(vars(item).values())
    )
    problems = []
    for value in values:
        if isinstance(value, LazyCallable):
            try:
                value.resolve()
            except Exception as exc:  # ImportError, AttributeError: the target is wrong
                problems.append(f"cannot import {value.target!r}: {_described(exc)}")
    return problems


def _probe(kind: str, registry: Registry) -> Callable[[Any], Findings]:
    probes: dict[str, Callable[[Any], Findings]] = {
        "model": lambda family: model_findings(family, registry),
        "divergence": divergence_findings,
        "network": network_findings,
        "metric": metric_findings,
        "dataset": dataset_findings,
        "feature_extractor": feature_findings,
        "prior": prior_findings,
        "executor": lambda executor: Findings(checked=["code imported (not run)"]),
    }
    return probes[kind]


def _described(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {first_line(exc)}"
