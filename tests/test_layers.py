"""The layering, read from the source: the plugin contract (`genbench.api`) is the bottom
layer, genbench's modules import one another without a cycle, and the built-in plugins use only
what a third-party plugin could. Every import counts, lazy (inside a function) or under
TYPE_CHECKING: a cycle that only bites at run time is still a cycle."""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORE = REPO / "genbench"
BELOW_THE_CONTRACT = {"genbench.errors"}


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_names(path: Path, module: str) -> list[tuple[str, list[str]]]:
    """Each import of the file as (module imported from, names taken from it)."""
    found = []
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package[: len(package) - node.level + 1]
                base = ".".join(parent + ([node.module] if node.module else []))
            found.append((base, [alias.name for alias in node.names]))
    return found


def core_modules() -> dict[str, Path]:
    return {module_name(path, REPO): path for path in sorted(CORE.rglob("*.py"))}


def import_graph() -> dict[str, set[str]]:
    """genbench module -> the genbench modules it imports (a name taken from a package that is a
    module of its own counts as that module; one that is not, as the package)."""
    modules = core_modules()
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        targets = set()
        for base, names in imported_names(path, module):
            submodules = {f"{base}.{name}" for name in names} & modules.keys()
            targets |= submodules
            if base in modules and (
                not names or set(names) - {n.rsplit(".")[-1] for n in submodules}
            ):
                targets.add(base)
        graph[module] = targets - {module}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle_among_genbench_modules_lazy_imports_included():
    assert cycles(import_graph()) == []


def test_the_contract_imports_nothing_of_genbench_outside_it():
    outside = {
        module: sorted(t for t in targets if not t.startswith("genbench.api"))
        for module, targets in import_graph().items()
        if module.startswith("genbench.api")
    }
    assert {m: t for m, t in outside.items() if set(t) - BELOW_THE_CONTRACT} == {}


def test_no_module_takes_the_top_level_packages_re_exports():
    modules = core_modules()
    taken = [
        (module, names)
        for module, path in modules.items()
        if module != "genbench"
        for base, names in imported_names(path, module)
        if base == "genbench" and any(f"genbench.{name}" not in modules for name in names)
    ]
    assert taken == []


def test_built_in_plugins_import_only_what_a_third_party_plugin_could():
    private = []
    for path in sorted((REPO / "plugins").rglob("*.py")):
        for base, _ in imported_names(path, module_name(path, REPO / "plugins")):
            public = base in ("genbench", "genbench.api") or base.startswith("genbench.api.")
            if base.startswith("genbench.") and not public:
                private.append((path.relative_to(REPO).as_posix(), base))
    assert private == []


def test_the_cycle_finder_finds_a_cycle_and_the_graph_reads_lazy_imports():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    graph = import_graph()
    assert "genbench.sweep.worker" in graph["genbench.sweep.execute"]
    lazy = graph["genbench.cli.run"]  # imported inside the command, not at the top
    assert {"genbench.sweep.execute", "genbench.default_plugins.terminal"} <= lazy


def test_no_test_module_imports_another_test_module_or_a_private_name():
    found = []
    for path in sorted((REPO / "tests").glob("*.py")):
        for base, names in imported_names(path, module_name(path, REPO)):
            test_module = base.split(".")[-1].startswith("test_")
            private = [name for name in names if name.startswith("_") and name != "__future__"]
            if test_module or private:
                found.append((path.name, base, private))
    assert found == []
