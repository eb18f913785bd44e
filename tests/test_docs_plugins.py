"""docs/plugins.md shows the example packages as they are: every code line of its Python
examples (comments aside) is a line of the shipped examples, which their own tests install
and run; its pyproject.toml is the example's whole file; its member table names every kind
that genbench registers; and its tables of what a plugin receives hold every attribute of
those objects with its type, so the page cannot drift from the code."""

from __future__ import annotations

import dataclasses
import re

import pytest

import genbench.api
from genbench.api.kinds import KINDS
from tests.conftest import REPO

PAGE = (REPO / "docs" / "plugins.md").read_text(encoding="utf-8")
EXAMPLES = REPO / "examples"


def example_lines() -> set[str]:
    return {
        line.strip()
        for path in EXAMPLES.glob("*/genbench_*/*.py")
        for line in path.read_text(encoding="utf-8").splitlines()
    }


def test_every_python_example_line_is_in_the_shipped_examples():
    shipped = example_lines()
    blocks = re.findall(r"```python\n(.*?)```", PAGE, re.DOTALL)
    assert len(blocks) >= 3
    for block in blocks:
        for line in block.splitlines():
            code = line.split("  #")[0].strip()
            if code and not code.startswith("#"):
                assert code in shipped, f"docs/plugins.md shows a line no example has: {code}"


def test_the_hook_table_lists_every_registration_hook():
    for kind in KINDS:
        assert f"`{kind.hook}(register)`" in PAGE


def test_the_whole_pyproject_shown_is_the_example_that_installs():
    shown = re.findall(r"```toml\n(.*?)```", PAGE, re.DOTALL)
    assert (EXAMPLES / "genbench-extras" / "pyproject.toml").read_text() in shown


RECEIVED = [
    *("NetworkRequest", "NetworkPair", "MetricInputs", "DatasetRequest", "LoadedData"),
    *("ExtractorRequest", "BuildContext", "InitSource", "RunInfo", "SweepInfo", "RunTask"),
    *("Curve", "SearchProgress", "EntrySearch"),
]
RECORD = "RunRecord"  # an executor's result, documented as record.json in README.md


def documented_attributes(name: str) -> list[tuple[str, str]]:
    """The (attribute, type) rows of the page's table under `### `name``."""
    section = PAGE.split(f"### `{name}`\n", 1)[1].split("\n#", 1)[0]
    rows = re.findall(r"^\| `(\w+)` \| `(.+?)` \|", section, re.MULTILINE)
    return [(attribute, kind.replace("\\|", "|")) for attribute, kind in rows]


@pytest.mark.parametrize("name", RECEIVED)
def test_every_attribute_of_what_a_plugin_receives_is_documented_with_its_type(name):
    fields = dataclasses.fields(getattr(genbench.api, name))
    assert documented_attributes(name) == [(field.name, str(field.type)) for field in fields]


def test_the_documented_objects_are_every_dataclass_an_item_is_called_with_or_returns():
    named = {
        name
        for kind in KINDS
        if kind.item_type is not None
        for field in dataclasses.fields(kind.item_type)
        if str(field.type).startswith("Callable")
        for name in re.findall(r"[A-Z]\w+", str(field.type))
    }
    dataclass_names = {n for n in named if dataclasses.is_dataclass(getattr(genbench.api, n, None))}
    assert {"NetworkRequest", "MetricInputs", "DatasetRequest"} <= dataclass_names
    assert dataclass_names - {RECORD} <= set(RECEIVED), dataclass_names - set(RECEIVED)
