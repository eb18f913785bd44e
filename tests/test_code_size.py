"""The project's size rule, read from the source: no class over about 150 lines and no function
over 60, in genbench and the built-in plugins, so each reads at once (DESIGN.md, "Style")."""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MAX_CLASS_LINES = 150
MAX_FUNCTION_LINES = 60


def oversized() -> dict[str, int]:
    """'path: class Name' or 'path: def name' -> lines, for each one over its limit."""
    found = {}
    for path in sorted([*(REPO / "genbench").rglob("*.py"), *(REPO / "plugins").rglob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                what, limit = f"class {node.name}", MAX_CLASS_LINES
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                what, limit = f"def {node.name}", MAX_FUNCTION_LINES
            else:
                continue
            lines = (node.end_lineno or node.lineno) - node.lineno + 1
            if lines > limit:
                found[f"{path.relative_to(REPO).as_posix()}: {what}"] = lines
    return found


def test_no_class_over_150_lines_and_no_function_over_60():
    assert oversized() == {}
