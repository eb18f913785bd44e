"""A results folder's table beside a paper's rows, in the paper's own convention.

Why: a reproduction is judged row by row against the published numbers, and papers report
mean ± standard error over their trials where genbench's tables give mean ± std with a
bootstrap interval. This prints one Markdown table: for every entry of the results folder,
its mean ± standard error over seeds (n), and the published value of the row of the same
name, if the paper has one; the paper's rows without an entry here follow, marked
"(published only)".

Usage: python benchmarks/beside_published.py RESULTS_DIR PUBLISHED.toml [--rows TABLE]
(e.g. results/pacgan_ring8 benchmarks/published/pacgan_table1.toml). PUBLISHED.toml names
`source`, its `trials`, the metric `columns` and, under a table named after the benchmark (or
`--rows`, for another benchmark on the same data), one [mean, standard error] pair per column
for each row (nan where the paper gives no error).
"""

from __future__ import annotations

import argparse
import math
import tomllib
from pathlib import Path

from genbench.report import stats
from genbench.report.tables import entry_values
from genbench.sweep.records import find_records


def cell(mean: float, error: float, digits: int) -> str:
    if math.isnan(error):
        return f"{mean:.{digits}f}"
    return f"{mean:.{digits}f} ± {error:.{digits}f}"


def ours(values: list[float], digits: int) -> str:
    """Mean ± standard error of the finite values over seeds, from the tables' own estimate."""
    estimate = stats.estimate(values)
    if estimate.n == 0:
        return "—"
    error = estimate.std / math.sqrt(estimate.n) if estimate.n > 1 else math.nan
    return cell(estimate.mean, error, digits)


def theirs(row: list[list[float]] | None, index: int, digits: int) -> str:
    """The paper's [mean, standard error] pair of one column, if it has the row."""
    return cell(*row[index], digits) if row else "—"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("results", type=Path)
    parser.add_argument("published", type=Path)
    parser.add_argument("--rows", help="the paper's table to show (default: the folder's name)")
    args = parser.parse_args()
    paper = tomllib.loads(args.published.read_text(encoding="utf-8"))
    benchmark = args.rows or args.results.name
    rows = paper.get(benchmark)
    if rows is None:
        raise SystemExit(f"{args.published} has no rows for benchmark {benchmark!r}")
    columns, values = entry_values(find_records(args.results).records)
    shown = [c for c in columns if c.key in paper["columns"]]
    header = ["Model", "n"]
    for column in shown:
        header += [f"{column.label} (genbench)", f"{column.label} (published)"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    index = {column.key: paper["columns"].index(column.key) for column in shown}
    for name, metrics in values.items():
        seeds = max(len(metrics[c.key]) for c in shown)
        row = [name, str(seeds)]
        for column in shown:
            row.append(ours(list(metrics[column.key].values()), column.digits))
            row.append(theirs(rows.get(name), index[column.key], column.digits))
        lines.append("| " + " | ".join(row) + " |")
    for name, published in rows.items():
        if name not in values:
            row = [f"{name} (published only)", str(paper.get("trials", ""))]
            for column in shown:
                row += ["—", theirs(published, index[column.key], column.digits)]
            lines.append("| " + " | ".join(row) + " |")
    print("\n".join(lines))
    print(f"\nmean ± standard error over seeds (n). Published: {paper['source']}.")


if __name__ == "__main__":
    main()
