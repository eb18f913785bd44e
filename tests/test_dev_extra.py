"""`pip install -e ".[dev]"` (what CI and the README install) brings every optional package a
test asks for: a test that `importorskip`s a package the extra does not declare skips silently
everywhere, and the behaviour it guards goes untested."""

from __future__ import annotations

import ast
import functools
import importlib.metadata
import re
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def distribution_name(requirement: str) -> str:
    """The normalised distribution name of a requirement such as "ray>=2.9" (PEP 503)."""
    name = re.match(r"[A-Za-z0-9._-]+", requirement.strip())
    assert name, requirement
    return re.sub(r"[-_.]+", "-", name.group()).lower()


def dev_distributions() -> set[str]:
    """The distributions `.[dev]` installs directly: the dependencies, the dev extra and the
    extras it names as genbench[...]."""
    extras = PROJECT["optional-dependencies"]
    names = {distribution_name(r) for r in PROJECT["dependencies"]}
    pending, seen = ["dev"], set()
    while pending:
        extra = pending.pop()
        seen.add(extra)
        for requirement in extras[extra]:
            own = re.fullmatch(r"genbench\[([^\]]+)\]", requirement.replace(" ", ""))
            if own:
                pending.extend(e for e in own.group(1).split(",") if e not in seen)
            else:
                names.add(distribution_name(requirement))
    return names


def skipped_imports() -> dict[str, str]:
    """The top-level modules that tests `pytest.importorskip`, with the file asking."""
    modules = {}
    for path in sorted((REPO / "tests").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "importorskip"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                modules[str(node.args[0].value).split(".")[0]] = path.name
    return modules


@functools.cache
def installed_providers() -> dict[str, list[str]]:
    return importlib.metadata.packages_distributions()


def providers(module: str) -> set[str]:
    """The distributions that provide `module` where one is installed; else the distribution
    of the module's own name (psutil, ray, submitit)."""
    installed = installed_providers().get(module, [module])
    return {distribution_name(name) for name in installed}


def test_every_package_a_test_imports_or_skips_is_in_the_dev_extra():
    declared = dev_distributions()
    modules = skipped_imports()
    assert {"ray", "psutil", "submitit"} <= modules.keys()  # the scan sees the executor tests
    missing = {module: path for module, path in modules.items() if not providers(module) & declared}
    assert missing == {}, f"declare these in [project.optional-dependencies] dev: {missing}"
