"""A results folder's table beside a paper's rows, in the paper's own convention.

Why: a reproduction is judged row by row against the published numbers, and papers report
mean ± standard error over their trials where genbench's tables give mean ± std with a
bootstrap interval. This prints one Markdown table: for every entry of the results folder,
its mean ± standard error over seeds (n), and the published value of the row of the same
name, if the paper has one; the paper's rows without an entry here follow, marked
"(published only)".

Usage: python benchmarks/beside_published.py RESULTS_DIR PUBLISHED.toml
(e.g. results/pacgan_ring8 benchmarks/published/pacgan_table1.toml). PUBLISHED.toml names
`source`, its `trials`, the metric `columns` and, under a table named after the benchmark, one
[mean, standard error] pair per column for each row.
"""

from __future__ import annotations

import argparse
import math
import statistics
import tomllib
from pathlib import Path

from genbench.report.tables import entry_values
from genbench.sweep.records import find_records


def mean_and_error(values: list[float]) -> tuple[float, float]:
    mean = statistics.fmean(values)
    error = statistics.stdev(values) / math.sqrt(len(values)) if len(values) > 1 else math.nan
    return mean, error


def cell(mean: float, error: float, digits: int) -> str:
    if math.isnan(error):
        return f"{mean:.{digits}f}"
    return f"{mean:.{digits}f} ± {error:.{digits}f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("results", type=Path)
    parser.add_argument("published", type=Path)
    args = parser.parse_args()
    paper = tomllib.loads(args.published.read_text(encoding="utf-8"))
    benchmark = args.results.name
    rows = paper.get(benchmark)
    if rows is None:
        raise SystemExit(f"{args.published} has no rows for benchmark {benchmark!r}")
    columns, values = entry_values(find_records(args.results).records)
    shown = [c for c in columns if c.key in paper["columns"]]
    header = ["Model", "n"]
    for column in shown:
        header += [f"{column.label} (genbench)", f"{column.label} (published)"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for name, metrics in values.items():
        seeds = max(len(metrics[c.key]) for c in shown)
        row = [name, str(seeds)]
        for column in shown:
            ours = [v for v in metrics[column.key].values() if math.isfinite(v)]
            row.append(cell(*mean_and_error(ours), column.digits) if ours else "—")
            published = rows.get(name)
            row.append(cell(*published[paper["columns"].index(column.key)], column.digits)
                       if published else "—")  # fmt: skip
        lines.append("| " + " | ".join(row) + " |")
    for name, published in rows.items():
        if name not in values:
            row = [f"{name} (published only)", str(paper.get("trials", ""))]
            for column in shown:
                row += ["—", cell(*published[paper["columns"].index(column.key)], column.digits)]
            lines.append("| " + " | ".join(row) + " |")
    print("\n".join(lines))
    print(f"\nmean ± standard error over seeds (n). Published: {paper['source']}.")


if __name__ == "__main__":
    main()
