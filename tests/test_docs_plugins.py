"""docs/plugins.md shows the example packages as they are: every code line of its Python
examples (comments aside) is a line of the shipped examples, which their own tests install
and run; its member table names every kind that genbench registers."""

from __future__ import annotations

import re

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
