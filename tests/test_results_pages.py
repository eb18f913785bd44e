"""Every table on the result pages (docs/results/) and the README's headline table is rebuilt,
in the test, from the records committed beside the page, by the command its marker names:
`<!-- rebuilt by: genbench report FOLDER -->` (the table `genbench report` writes, or with
` (search.md)` after the folder, the search's table it writes beside it) or
`<!-- rebuilt by: python benchmarks/beside_published.py FOLDER PUBLISHED -->`. A table pasted
in without its command, or one that no longer matches its records, fails."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from genbench.cli import cli

REPO = Path(__file__).resolve().parent.parent
RESULT_PAGES = sorted(p for p in (REPO / "docs" / "results").glob("*.md") if p.name != "README.md")
MARKER = re.compile(r"^<!-- rebuilt by: (.+) -->$")


def page_tables(text: str) -> list[tuple[str | None, list[list[str]]]]:
    """Each Markdown table of `text` as (the command of the marker right above it, its rows)."""
    tables: list[tuple[str | None, list[list[str]]]] = []
    above: str | None = None
    rows: list[list[str]] = []
    for line in [*text.splitlines(), ""]:
        if line.startswith("|"):
            rows.append(cells(line))
            continue
        if rows:
            tables.append((above, [row for row in rows if not is_rule(row)]))
            rows = []
        if line.strip():
            marker = MARKER.match(line.strip())
            above = marker.group(1) if marker else None
    return tables


def cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def is_rule(row: list[str]) -> bool:
    return all(set(cell) <= set("-:") for cell in row)


def rebuilt(command: str, scratch: Path) -> list[list[str]]:
    """The table `command` makes from a copy of the committed folder it names."""
    words = shlex.split(command)
    folder = REPO / words[2]
    assert folder.is_dir(), f"{command}: {folder} is not committed"
    copy = scratch / folder.name
    shutil.copytree(folder, copy)
    if words[:2] == ["genbench", "report"]:
        result = CliRunner().invoke(cli, ["report", str(copy)])
        assert result.exit_code == 0, result.output
        written = words[3].strip("()") if len(words) > 3 else "table.md"
        text = (copy / written).read_text(encoding="utf-8")
    elif words[:2] == ["python", "benchmarks/beside_published.py"]:
        script = [sys.executable, str(REPO / words[1]), str(copy), *words[3:]]
        done = subprocess.run(script, cwd=REPO, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
        text = done.stdout
    else:
        pytest.fail(f"{command}: no rule to rebuild a table with this command")
    ((_, rows),) = page_tables(text)
    return rows


def marked_tables() -> list[tuple[str, int, str | None, list[list[str]]]]:
    found = []
    for page in RESULT_PAGES:
        for index, (command, rows) in enumerate(page_tables(page.read_text(encoding="utf-8"))):
            found.append((page.name, index, command, rows))
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for index, (command, rows) in enumerate(page_tables(readme)):
        if command is not None:
            found.append(("README.md", index, command, rows))
    return found


TABLES = marked_tables()


@pytest.mark.parametrize(
    ("page", "index", "command", "rows"), TABLES, ids=[f"{t[0]}#{t[1]}" for t in TABLES]
)
def test_a_result_table_is_what_its_command_rebuilds_from_committed_records(
    page, index, command, rows, tmp_path
):
    assert command is not None, f"{page}: table {index} has no `<!-- rebuilt by: ... -->`"
    assert rows == rebuilt(command, tmp_path)


def test_the_readme_headline_table_is_rebuilt_too():
    assert any(page == "README.md" for page, *_ in TABLES)


def test_a_table_is_read_with_the_marker_right_above_it():
    text = "<!-- rebuilt by: genbench report x -->\n\n| a | b |\n|---|--:|\n| 1 | 2 |\n"
    text += "\ntext\n| c |\n"
    assert page_tables(text) == [("genbench report x", [["a", "b"], ["1", "2"]]), (None, [["c"]])]
