"""`genbench list`, `show` and `check-plugin`: what is installed, a spec resolved, plugins
probed."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.markup import escape
from rich.table import Table

from genbench.api.kinds import KIND_BY_NAME, KINDS
from genbench.api.params import describe_params
from genbench.cli.common import load_registry, make_console
from genbench.errors import UserError, did_you_mean
from genbench.registry import Registry
from genbench.spec.load import load_spec

if TYPE_CHECKING:
    from genbench.plugin_check import ItemCheck
    from genbench.plugin_manager import PluginInfo

LISTABLE: dict[str, str | None] = {"plugins": None, **{kind.listing: kind.name for kind in KINDS}}


@click.command(name="list")
@click.argument("what", type=click.Choice(list(LISTABLE)), default="plugins")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def list_command(what: str, as_json: bool) -> None:
    """Installed plugins, or the registered items of one kind with their parameters."""
    registry = load_registry()
    kind = LISTABLE[what]
    rows = _plugin_rows(registry) if kind is None else _item_rows(registry, kind)
    if as_json:
        click.echo(json.dumps(rows, indent=2, default=str))
        return
    console = make_console()
    console.print(_plugins_table(rows) if kind is None else _items_table(rows, kind))


def _plugin_rows(registry: Registry) -> list[dict[str, Any]]:
    return [
        {
            "name": info.name,
            "module": info.module,
            "distribution": info.distribution,
            "version": info.version,
            "builtin": info.builtin,
            "registers": registry.items_of(info.name),
            "hooks": registry.lifecycle_hooks_of(info.name),
            "error": info.error,
        }
        for info in registry.plugins
    ]


CONDITIONAL = {
    "network": "builds class-conditional pairs (conditional = true)",
    "metric": "scores conditional entries by the classes asked for",
}


def _item_rows(registry: Registry, kind: str) -> list[dict[str, Any]]:
    rows = []
    plugins = {info.name: info for info in registry.plugins}
    for registered in registry.entries(kind):
        item = registered.item
        info = plugins[registered.plugin]
        row = {
            "name": item.name,
            "plugin": registered.plugin,
            "distribution": f"{info.distribution or '?'} {info.version or ''}".strip(),
            "description": item.description,
            "params": describe_params(item.params),
        }
        if kind == "metric":
            row["columns"] = [asdict(column) for column in item.columns]
        if kind in ("network", "metric"):
            row["conditional"] = item.conditional
        rows.append(row)
    return rows


def _plugins_table(rows: list[dict[str, Any]]) -> Table:
    table = Table(title="genbench plugins")
    for header in ("Plugin", "Distribution", "Kind", "Registers"):
        table.add_column(header)
    for row in rows:
        dist = f"{row['distribution'] or '?'} {row['version'] or ''}".strip()
        if row["error"]:
            registers = f"[red]failed to load: {escape(row['error'])}[/]"
        else:
            lines = [
                f"{KIND_BY_NAME[kind].listing}: {', '.join(names)}"
                for kind, names in row["registers"].items()
            ]
            if row["hooks"]:
                lines.append(f"hooks: {', '.join(row['hooks'])}")
            registers = "\n".join(lines) or "(nothing)"
        table.add_row(row["name"], dist, "built-in" if row["builtin"] else "third-party", registers)
    return table


def _items_table(rows: list[dict[str, Any]], kind: str) -> Table:
    table = Table(title=KIND_BY_NAME[kind].listing)
    for header in ("Name", "Description", "Parameters (default)", "Plugin"):
        table.add_column(header)
    for row in rows:
        params = "\n".join(_describe_param(p) for p in row["params"])
        provider = f"{row['plugin']}\n[dim]{escape(row['distribution'])}[/]"
        description = escape(row["description"])
        if row.get("conditional"):
            description += "\n[bold]conditional[/]: " + CONDITIONAL[kind]
        table.add_row(row["name"], description, params or "—", provider)
    return table


def _describe_param(param: dict[str, Any]) -> str:
    default = repr(param["default"])
    if param["default"] is None:
        default = "off" if "fields" in param else "auto"
    choices = f", one of {', '.join(map(str, param['choices']))}" if "choices" in param else ""
    recipe = ", recipe" if param.get("recipe") else ""
    text = escape(f"{param['name']} = {default} ({param['type']}{choices}{recipe})")
    fields = "".join(
        "\n  " + _describe_param({**field, "name": f"{param['name']}.{field['name']}"})
        for field in param.get("fields", ())
    )
    return f"{text}\n  [dim]{escape(param['help'])}[/]{fields}"


@click.command()
@click.argument("spec_file", type=click.Path(path_type=Path))
def show(spec_file: Path) -> None:
    """Validate SPEC_FILE and print it with every default filled in, as JSON."""
    spec = load_spec(spec_file, load_registry())
    resolved = asdict(spec)
    resolved["budget"] = str(spec.budget)
    click.echo(json.dumps(resolved, indent=2, default=str))


@click.command(name="check-plugin")
@click.argument("plugin", required=False)
def check_plugin(plugin: str | None) -> None:
    """Import every item of PLUGIN (its entry-point name or its distribution; default: all
    plugins) and run each once on a tiny probe (networks forward and backward, metrics on probe
    sets, datasets loaded, models trained a few steps, divergences on a grid of critic
    outputs); print what was checked, item by item, and exit 1 on any problem."""
    from genbench.plugin_check import check_item
    from genbench.plugin_check.startup import imports_torch

    registry = load_registry()
    problems = checked = 0
    for info in _chosen_plugins(registry, plugin):
        if info.error:
            click.echo(f"{info.name}: failed to load: {info.error}")
            problems += 1
            continue
        if not info.builtin and imports_torch(info.module):
            click.echo(
                f"{info.name}: note: importing {info.module} imports torch, so every `genbench` "
                "command waits for it; register lazily (docs/plugins.md)"
            )
        for kind, names in registry.items_of(info.name).items():
            for name in names:
                check = check_item(registry, info.name, kind, name)
                _echo_check(check)
                problems += len(check.findings.problems)
                checked += 1
    summary = f"{problems} problem(s) found" if problems else "no problems found"
    click.echo(f"{checked} item(s) checked, {summary}")
    if problems:
        raise SystemExit(1)


def _chosen_plugins(registry: Registry, plugin: str | None) -> list[PluginInfo]:
    """Every plugin, or the one named by its entry-point name or its distribution's name."""
    infos = list(registry.plugins)
    if plugin is None:
        return infos
    chosen = [info for info in infos if info.name == plugin] or [
        info for info in infos if _canonical(info.distribution or "") == _canonical(plugin)
    ]
    if not chosen:
        names = [info.name for info in infos] + [i.distribution for i in infos if i.distribution]
        raise UserError(f"unknown plugin {plugin!r}; {did_you_mean(plugin, names)}")
    return chosen


def _canonical(distribution: str) -> str:
    return distribution.lower().replace("_", "-").replace(".", "-")


def _echo_check(check: ItemCheck) -> None:
    """One line per problem, else one line of what was checked and what the item declined."""
    label = f"{check.plugin}: {KIND_BY_NAME[check.kind].label} {check.name!r}"
    findings = check.findings
    for problem in findings.problems:
        click.echo(f"{label}: {problem}")
    if findings.problems:
        return
    declined = [f"declines {'; '.join(findings.declined)}"] if findings.declined else []
    if not findings.checked:
        click.echo(f"{label}: not probed: {declined[0]}")
        return
    click.echo(f"{label}: ok: {'; '.join([*findings.checked, *declined])}")
