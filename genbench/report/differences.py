"""`genbench compare A B`: how two results folders differ, entry by entry, metric by metric;
`genbench compare A --baseline E`: how every entry of one folder differs from its entry E.

Not to be confused with `genbench.eval.compare` (two sample sets, `genbench eval`): this reads
the run records of two benchmarks (e.g. before and after a change, or on two machines) and
gives, for every entry and metric both have, B - A with its bootstrap interval and the test's
p-value (paired over shared seeds, Welch's otherwise; see `genbench.report.stats`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from rich.markup import escape
from rich.table import Table

from genbench.api.metric import Column
from genbench.api.record import RunRecord
from genbench.errors import UserError
from genbench.report import stats
from genbench.report.tables import entry_values


@dataclass(frozen=True)
class Difference:
    """One entry and metric: each side's estimate and the comparison B - A."""

    entry: str
    column: Column
    a: stats.Estimate
    b: stats.Estimate
    comparison: stats.Comparison


@dataclass(frozen=True)
class Differences:
    rows: list[Difference]
    only_a: list[str]
    only_b: list[str]


def differences(records_a: list[RunRecord], records_b: list[RunRecord]) -> Differences:
    """Every (entry, metric) present in both record sets, in A's order."""
    columns_a, values_a = entry_values(records_a)
    columns_b, values_b = entry_values(records_b)
    keys_b = {c.key for c in columns_b}
    columns = [c for c in columns_a if c.key in keys_b and c.higher_is_better is not None]
    shared = [name for name in values_a if name in values_b]
    if not shared or not columns:
        raise UserError(
            "the two results folders share no entry with a metric "
            f"(A: {', '.join(values_a) or 'none'}; B: {', '.join(values_b) or 'none'}); "
            "compare folders of the same benchmark"
        )
    pairs = [(name, values_a[name], values_b[name]) for name in shared]
    only_a = [name for name in values_a if name not in values_b]
    only_b = [name for name in values_b if name not in values_a]
    return Differences(_rows(pairs, columns), only_a, only_b)


def against_baseline(records: list[RunRecord], baseline: str) -> Differences:
    """Every other entry (B) against the entry `baseline` (A) of the same records, on the
    seeds they share: the test behind a claim such as "f-GAN beats the vanilla GAN on FID"."""
    columns, values = entry_values(records)
    if baseline not in values:
        names = ", ".join(values) or "none"
        raise UserError(f"--baseline: no entry {baseline!r} in these results; entries: {names}")
    columns = [c for c in columns if c.higher_is_better is not None]
    base = values[baseline]
    pairs = [(name, base, entry) for name, entry in values.items() if name != baseline]
    return Differences(_rows(pairs, columns), [], [])


Values = dict[str, dict[int, float]]


def _rows(pairs: list[tuple[str, Values, Values]], columns: list[Column]) -> list[Difference]:
    """(entry, A's seed -> value per column, B's) -> one row per entry and column."""
    rows = []
    for name, values_a, values_b in pairs:
        for column in columns:
            a, b = values_a[column.key], values_b[column.key]
            rows.append(
                Difference(
                    name,
                    column,
                    stats.estimate(list(a.values())),
                    stats.estimate(list(b.values())),
                    stats.compare(a, b),
                )
            )
    return rows


def to_rich(result: Differences, label_a: str, label_b: str) -> Table:
    caption = (
        f"B - A per entry and metric: A = {label_a}, B = {label_b}. Interval: "
        f"{stats.CONFIDENCE:.0%} percentile bootstrap ({stats.RESAMPLES:,} resamples, seed "
        f"{stats.BOOTSTRAP_SEED}); p: two-sided t-test, paired on shared seeds, Welch's "
        f"otherwise; * where p < {stats.ALPHA}. Detectable: the smallest true difference the "
        f"test finds with probability {stats.POWER:.0%} given the seeds' spread; below it, a "
        f"difference that is not significant means cannot tell, not none."
    )
    for side, names in (("A", result.only_a), ("B", result.only_b)):
        if names:
            caption += f"\nOnly in {side} (not compared): {', '.join(names)}."
    table = Table(caption=escape(caption), caption_justify="left")
    headers = ("Entry", "Metric", "A", "B", "B - A", "95% interval", "p", "Detectable", "Test")
    for header in headers:
        left = header in ("Entry", "Metric", "Test")
        table.add_column(header, justify="left" if left else "right")
    for row in result.rows:
        digits, c = row.column.digits + 1, row.comparison
        star = "*" if c.significant() else ""
        table.add_row(
            escape(row.entry),
            escape(row.column.label),
            _mean(row.a, digits),
            _mean(row.b, digits),
            _number(c.difference, digits, signed=True),
            _interval(c.ci_low, c.ci_high, digits),
            "—" if math.isnan(c.p_value) else f"{c.p_value:.3g}{star}",
            _number(c.detectable, digits),
            _test(c),
        )
    return table


def to_json(result: Differences) -> list[dict[str, Any]]:
    """One object per row, NaN as null, for scripts."""
    return [
        {
            "entry": row.entry,
            "metric": row.column.key,
            "a_mean": _or_none(row.a.mean),
            "b_mean": _or_none(row.b.mean),
            "difference": _or_none(row.comparison.difference),
            "ci_low": _or_none(row.comparison.ci_low),
            "ci_high": _or_none(row.comparison.ci_high),
            "p_value": _or_none(row.comparison.p_value),
            "detectable": _or_none(row.comparison.detectable),
            "test": row.comparison.test,
            "n_a": row.comparison.n_a,
            "n_b": row.comparison.n_b,
        }
        for row in result.rows
    ]


def _test(comparison: stats.Comparison) -> str:
    if comparison.test == stats.PAIRED:
        return f"{comparison.test} ({comparison.n_a} shared seeds)"
    if comparison.test == stats.WELCH:
        return f"{comparison.test} (n = {comparison.n_a}, {comparison.n_b})"
    return comparison.test


def _mean(estimate: stats.Estimate, digits: int) -> str:
    return _number(estimate.mean, digits) + (f" (n={estimate.n})" if estimate.n else "")


def _number(value: float, digits: int, signed: bool = False) -> str:
    if math.isnan(value):
        return "—"
    return f"{value:+.{digits}f}" if signed else f"{value:.{digits}f}"


def _interval(low: float, high: float, digits: int) -> str:
    if math.isnan(low):
        return "—"
    return f"[{low:+.{digits}f}, {high:+.{digits}f}]"


def _or_none(value: float) -> float | None:
    return value if math.isfinite(value) else None
