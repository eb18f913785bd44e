"""The one path from run records to what a reader sees, shared by `genbench run` (after a
sweep) and `genbench report` (from a results folder): the table on the terminal and the table
files, figures and the report page (report.md, report.html) in the results folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rich.console import Console

from genbench.api.record import RunRecord
from genbench.api.storage import write_atomic
from genbench.report.figures import write_figures
from genbench.report.page import write_page
from genbench.report.search_results import SEARCH_TABLE_FILE, search_section
from genbench.report.tables import Summary, print_summary, summarize, to_markdown, write_tables
from genbench.report.timeline_figures import write_timeline_figures


def publish(
    records: list[RunRecord],
    results_dir: Path,
    title: str,
    console: Console,
    on_problem: Callable[[str], None] | None = None,
) -> tuple[Summary, dict[str, Path]]:
    """Summarise `records`, write the tables and figures under `results_dir` (none when
    there is no record) and print the table; returns the summary and the files by name.
    A figure input that cannot be read (a damaged preview) goes to `on_problem`, one line."""
    summary = summarize(records, title)
    files: dict[str, Path] = write_tables(summary, results_dir) if records else {}
    print_summary(summary, console)
    if records:
        search, search_figures = search_section(results_dir)
        if search is not None:
            print_summary(search, console)
            files["search-table"] = results_dir / SEARCH_TABLE_FILE
            write_atomic(files["search-table"], to_markdown(search).encode())
        figures = write_figures(records, results_dir, on_problem)
        figures.update(write_timeline_figures(records, results_dir))
        figures.update(search_figures)
        files.update(figures)
        sections = [search] if search is not None else []
        files.update(write_page(summary, records, figures, results_dir, sections))
    return summary, files
