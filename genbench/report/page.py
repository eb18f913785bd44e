"""The report a reviewer reads: `report.md` beside the figures, and `report.html`, one
self-contained file (figures embedded as base64 data URIs, no script, no external asset) that
can be mailed or attached as it is. A click on a figure shows it over the whole window at its
width (`figure:target`, pure CSS), and the samples figure is shown at its own width: a row of
digits per entry cannot be judged at a curve's 32rem.

Both hold the comparison table with its intervals and notes (the `Summary`), every curve
figure and the samples figure, and the environment the numbers came from, read from the
records themselves: versions, machine, device, data (with any stand-in), feature extractor and
sample counts. Where runs differ (two machines, two torch versions), every value is listed.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from genbench.api.record import RunRecord
from genbench.api.storage import write_atomic
from genbench.report.tables import Summary

MARKDOWN_FILE = "report.md"
HTML_FILE = "report.html"
WIDE_FIGURES = {"samples"}  # a row of digits per entry: unreadable at a curve's 32rem

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 70rem; color: #222; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #ccc; padding: 0.3rem 0.6rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
td.best { font-weight: bold; background: #eef6ee; }
figure { display: inline-block; margin: 0.5rem; vertical-align: top; }
figure img { max-width: 32rem; }
figure.wide { display: block; }
figure.wide img { max-width: 100%; }
figure a.open { cursor: zoom-in; }
figure a.close { display: none; }
figure:target { position: fixed; inset: 0; margin: 0; padding: 2.5rem 1rem 1rem; z-index: 1;
  overflow: auto; box-sizing: border-box; background: #fff; }
figure:target img { max-width: none; width: 100%; }
figure:target a.close { display: block; position: fixed; top: 0.6rem; right: 1.2rem;
  padding: 0.2rem 0.6rem; border: 1px solid #ccc; background: #fff; }
.notes { font-size: 0.9em; color: #555; }
"""


def write_page(
    summary: Summary,
    records: list[RunRecord],
    figures: dict[str, Path],
    results_dir: Path,
    sections: list[Summary] | None = None,
) -> dict[str, Path]:
    """Write report.md and report.html under `results_dir`; returns their paths by name.
    `sections`: further tables (a search's), each under its title after the main one."""
    environment = environment_rows(records)
    shown = {name: path for name, path in figures.items() if path.exists()}
    markdown = results_dir / MARKDOWN_FILE
    page = results_dir / HTML_FILE
    sections = sections or []
    write_atomic(markdown, _markdown(summary, shown, environment, sections).encode())
    write_atomic(page, _html(summary, shown, environment, sections).encode())
    return {"report-md": markdown, "report-html": page}


def environment_rows(records: list[RunRecord]) -> list[tuple[str, str]]:
    """(fact, value) pairs from the records; a fact with several values lists each once."""
    facts: dict[str, list[str]] = {}

    def add(name: str, value: object) -> None:
        if value in (None, "", {}):
            return
        values = facts.setdefault(name, [])
        if str(value) not in values:
            values.append(str(value))

    for record in sorted(records, key=lambda r: (r.entry_index, r.seed)):
        for name, value in record.versions.items():
            add(name, value)
        for name in ("platform", "processor", "cpu_count", "gpu"):
            add(name, record.machine.get(name))
        add("device", record.device)
        data = record.dataset
        add("dataset", f"{data.name} ({data.train_size} training samples, {data.source})")
        add("data fingerprint", data.fingerprint)
        add("data stand-in", data.fallback)
        add("features", record.features.name)
        add("evaluation samples", record.eval_samples or None)
        add("runs at once (--jobs)", record.train.jobs)
        add("threads per run", record.train.threads)
    add("runs", len(records))
    add("wall time", _span(records))
    return [(name, "; ".join(values)) for name, values in facts.items()]


def _span(records: list[RunRecord]) -> str | None:
    """From the first run's start to the last one's end: what the sweep cost a reader who
    runs it again (evaluation and start-up included; a resumed sweep's pauses too)."""
    starts = [datetime.fromisoformat(r.started_at) for r in records if r.started_at]
    ends = [datetime.fromisoformat(r.finished_at) for r in records if r.finished_at]
    if not starts or not ends:
        return None
    first, last = min(starts).astimezone(UTC), max(ends).astimezone(UTC)
    minutes, seconds = divmod(round((last - first).total_seconds()), 60)
    return f"{minutes} min {seconds} s, {first:%Y-%m-%d %H:%M} to {last:%H:%M} UTC"


def _markdown(
    summary: Summary,
    figures: dict[str, Path],
    environment: list[tuple[str, str]],
    sections: list[Summary],
) -> str:
    lines = _markdown_section(summary, "#")
    for section in sections:
        lines += _markdown_section(section, "##")
    if figures:
        lines += ["## Figures", ""]
        lines += [f"![{name}]({path.name})" for name, path in figures.items()]
        lines.append("")
    lines += ["## Environment", "", "| Fact | Value |", "|---|---|"]
    lines += [f"| {_cell(name)} | {_cell(value)} |" for name, value in environment]
    return "\n".join(lines) + "\n"


def _markdown_section(summary: Summary, heading: str) -> list[str]:
    """A table under its title, with its notes under it."""
    notes = (f"{note}  " for note in summary.notes)
    return [f"{heading} {summary.title}", "", *_markdown_table(summary), "", *notes, ""]


def _markdown_table(summary: Summary) -> list[str]:
    rows = [
        [f"**{cell}**" if (i, j) in summary.best else cell for j, cell in enumerate(row)]
        for i, row in enumerate(summary.rows)
    ]
    lines = [_markdown_row(summary.headers), "|" + "---|" * len(summary.headers)]
    return lines + [_markdown_row(row) for row in rows]


def _markdown_row(cells: Iterable[str]) -> str:
    return "| " + " | ".join(_cell(cell) for cell in cells) + " |"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _html(
    summary: Summary,
    figures: dict[str, Path],
    environment: list[tuple[str, str]],
    sections: list[Summary],
) -> str:
    title = html.escape(summary.title)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{title}</title><style>{STYLE}</style></head><body>",
        f"<h1>{title}</h1>",
        *_html_section(summary),
    ]
    for section in sections:
        parts += [f"<h2>{html.escape(section.title)}</h2>", *_html_section(section)]
    if figures:
        parts.append('<h2 id="figures">Figures</h2>')
        ids = _figure_ids(list(figures))
        parts += [_html_figure(name, path, ids[name]) for name, path in figures.items()]
    parts += ["<h2>Environment</h2>", "<table>", "<tr><th>Fact</th><th>Value</th></tr>"]
    parts += [
        f"<tr><td>{html.escape(name)}</td><td>{html.escape(value)}</td></tr>"
        for name, value in environment
    ]
    parts += ["</table>", "</body></html>"]
    return "\n".join(parts) + "\n"


def _html_section(summary: Summary) -> list[str]:
    """A table with its notes under it."""
    notes = (f"<p>{html.escape(note)}</p>" for note in summary.notes)
    return [_html_table(summary), '<div class="notes">', *notes, "</div>"]


def _html_table(summary: Summary) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in summary.headers)
    rows = []
    for i, row in enumerate(summary.rows):
        cells = "".join(
            f'<td class="best">{html.escape(cell)}</td>'
            if (i, j) in summary.best
            else f"<td>{html.escape(cell)}</td>"
            for j, cell in enumerate(row)
        )
        rows.append(f"<tr>{cells}</tr>")
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>"


def _figure_ids(names: list[str]) -> dict[str, str]:
    """A valid, unique element id per figure name ("figure-samples"): the link that opens a
    figure full width and the `figure:target` rule both find it by that id."""
    ids: dict[str, str] = {}
    for name in names:
        base = "figure-" + (re.sub(r"[^a-z0-9_-]+", "-", name.lower()).strip("-") or "plot")
        unique, count = base, 1
        while unique in ids.values():
            count += 1
            unique = f"{base}-{count}"
        ids[name] = unique
    return ids


def _html_figure(name: str, path: Path, figure_id: str) -> str:
    """A figure whose image links to its own id: a click makes it the page's target, which the
    style shows over the whole window at its full width, with a close link back to the page
    (no script, and the image embedded once)."""
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    label = html.escape(name)
    wide = ' class="wide"' if name in WIDE_FIGURES else ""
    return (
        f'<figure id="{figure_id}"{wide}>'
        f'<a class="close" href="#figures" title="back to the page">close</a>'
        f'<a class="open" href="#{figure_id}" title="open full width">'
        f'<img alt="{label}" src="data:image/png;base64,{data}"></a>'
        f"<figcaption>{label}</figcaption></figure>"
    )
