"""The command line: `genbench run`, `list`, `show`, `report` and `eval`.

A `UserError` becomes one line on stderr and exit code 2, with no traceback.
"""

from __future__ import annotations

import json
import math
import warnings
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from genbench import registry as registry_module
from genbench.api.params import describe_params
from genbench.errors import UserError
from genbench.eval.compare import DEFAULT_METRICS, CompareOptions, compare
from genbench.eval.sets import load_set
from genbench.registry import KIND_LABELS, Registry
from genbench.report.figures import write_figures
from genbench.report.tables import print_summary, summarize, write_tables
from genbench.sweep.records import find_records
from genbench.sweep.runner import Sweep
from genbench.sweep.spec import Overrides, load_spec

LISTABLE = {
    "plugins": None,
    "models": "model",
    "divergences": "divergence",
    "metrics": "metric",
    "datasets": "dataset",
    "features": "feature_extractor",
    "priors": "prior",
    "executors": "executor",
}


class UserFacingError(click.ClickException):
    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(f"error: {self.message}", err=True)


class GenbenchGroup(click.Group):
    """Turns user errors raised anywhere below into one-line exits with code 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except UserError as exc:
            raise UserFacingError(str(exc)) from None


def _console() -> Console:
    """A console; when output is not a terminal (CI logs, pipes), wide enough for the table."""
    console = Console()
    return console if console.is_terminal else Console(width=max(console.width, 160))


def _registry() -> Registry:
    registry = Registry.load()
    registry_module.activate(registry)
    return registry


@click.group(cls=GenbenchGroup)
@click.version_option(package_name="genbench")
def cli() -> None:
    """Benchmark GAN objectives under equal, fixed budgets."""


@cli.command()
@click.argument("spec_file", type=click.Path(path_type=Path))
@click.option("--budget", help="Training budget per run: '90s', '5m', '2000 steps' or '20 TFLOP'.")
@click.option("--seeds", help="Seeds to run: '0,1,2' or '0-4'.")
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("results"),
    show_default=True,
    help="Results folder; the benchmark writes to OUT/<name>.",
)
@click.option("--executor", help="Where runs execute (see `genbench list executors`).")
@click.option("--device", help="auto, cpu, cuda, cuda:N or mps.")
@click.option("--force", is_flag=True, help="Retrain runs that already have a matching record.")
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    envvar="GENBENCH_JOBS",
    help="Runs at once in worker processes, the cores divided between them (default: "
    "$GENBENCH_JOBS, else one per core for 2-D point sets on a CPU, else 1).",
)
def run(
    spec_file: Path,
    budget: str | None,
    seeds: str | None,
    out: Path,
    executor: str | None,
    device: str | None,
    force: bool,
    jobs: int | None,
) -> None:
    """Train and evaluate every entry x seed of SPEC_FILE; print the comparison table."""
    registry = _registry()
    overrides = Overrides(budget=budget, seeds=seeds, device=device, executor=executor)
    spec = load_spec(spec_file, registry, overrides)
    console = _console()
    sweep = Sweep(
        spec, registry, out, force=force, console=console, jobs=jobs or "auto", overrides=overrides
    )
    result = sweep.execute()
    console.print(
        f"{result.trained} run(s) trained, {result.reevaluated} evaluated again from their "
        f"checkpoints, {result.skipped} reused from earlier records."
    )
    for path in result.files.values():
        console.print(f"wrote {path}")
    if result.failed:
        click.echo(
            f"{len(result.failed)} run(s) failed; their records hold the tracebacks: "
            + ", ".join(str(path) for path in result.failed),
            err=True,
        )
        raise SystemExit(1)


@cli.command(name="list")
@click.argument("what", type=click.Choice(list(LISTABLE)), default="plugins")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def list_command(what: str, as_json: bool) -> None:
    """Installed plugins, or the registered items of one kind with their parameters."""
    registry = _registry()
    kind = LISTABLE[what]
    rows = _plugin_rows(registry) if kind is None else _item_rows(registry, kind)
    if as_json:
        click.echo(json.dumps(rows, indent=2, default=str))
        return
    console = _console()
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
            "error": info.error,
        }
        for info in registry.plugins
    ]


def _item_rows(registry: Registry, kind: str) -> list[dict[str, Any]]:
    rows = []
    for registered in registry.entries(kind):
        item = registered.item
        row = {
            "name": item.name,
            "plugin": registered.plugin,
            "description": item.description,
            "params": describe_params(item.params),
        }
        if kind == "metric":
            row["columns"] = [asdict(column) for column in item.columns]
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
            registers = (
                "\n".join(
                    f"{KIND_LABELS[kind]}s: {', '.join(names)}"
                    for kind, names in row["registers"].items()
                )
                or "(nothing)"
            )
        table.add_row(row["name"], dist, "built-in" if row["builtin"] else "third-party", registers)
    return table


def _items_table(rows: list[dict[str, Any]], kind: str) -> Table:
    table = Table(title=f"{KIND_LABELS[kind]}s")
    for header in ("Name", "Description", "Parameters (default)", "Plugin"):
        table.add_column(header)
    for row in rows:
        params = "\n".join(_describe_param(p) for p in row["params"])
        table.add_row(row["name"], escape(row["description"]), params or "—", row["plugin"])
    return table


def _describe_param(param: dict[str, Any]) -> str:
    default = repr(param["default"])
    if param["default"] is None:
        default = "off" if "fields" in param else "auto"
    choices = f", one of {', '.join(map(str, param['choices']))}" if "choices" in param else ""
    text = escape(f"{param['name']} = {default} ({param['type']}{choices})")
    fields = "".join(
        "\n  " + _describe_param({**field, "name": f"{param['name']}.{field['name']}"})
        for field in param.get("fields", ())
    )
    return f"{text}\n  [dim]{escape(param['help'])}[/]{fields}"


@cli.command()
@click.argument("spec_file", type=click.Path(path_type=Path))
def show(spec_file: Path) -> None:
    """Validate SPEC_FILE and print it with every default filled in, as JSON."""
    spec = load_spec(spec_file, _registry())
    resolved = asdict(spec)
    resolved["budget"] = str(spec.budget)
    click.echo(json.dumps(resolved, indent=2, default=str))


@cli.command()
@click.argument("results_dir", type=click.Path(path_type=Path))
def report(results_dir: Path) -> None:
    """Rebuild the comparison table of RESULTS_DIR (e.g. results/mnist_all) from its records."""
    records = find_records(results_dir)
    if not records:
        raise UserError(f"{results_dir}: no run records found; run `genbench run SPEC` first")
    summary = summarize(records, results_dir.name)
    files = {**write_tables(summary, results_dir), **write_figures(records, results_dir)}
    console = _console()
    print_summary(summary, console)
    for path in files.values():
        console.print(f"wrote {path}")


@cli.command(name="eval")
@click.option(
    "--real",
    "real_path",
    required=True,
    type=click.Path(path_type=Path),
    help="Reference set: a folder of PNG/JPEG images, or a .npy/.pt tensor of images "
    "(N, C, H, W) or features (N, D).",
)
@click.option(
    "--fake", "fake_path", required=True, type=click.Path(path_type=Path), help="Generated set."
)
@click.option(
    "--features",
    help="Feature extractor for images (see `genbench list features`; default: inception); "
    "feature tensors are compared as given.",
)
@click.option(
    "--metric",
    "metrics",
    multiple=True,
    help=f"Metric to compute; repeatable (default: {', '.join(DEFAULT_METRICS)}).",
)
@click.option("--k", type=click.IntRange(min=1), help="k for every metric that takes one.")
@click.option("--weights", help="Local weights file for the extractor (inception offline).")
@click.option(
    "--dataset",
    help="Dataset an extractor learns from (default: mnist for lenet-mnist, else none).",
)
@click.option("--device", default="auto", show_default=True, help="auto, cpu, cuda[:N] or mps.")
@click.option(
    "--batch-size",
    default=500,
    show_default=True,
    type=click.IntRange(min=1),
    help="Images per batch.",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object of the values.")
def eval_command(
    real_path: Path,
    fake_path: Path,
    features: str | None,
    metrics: tuple[str, ...],
    k: int | None,
    weights: str | None,
    dataset: str | None,
    device: str,
    batch_size: int,
    as_json: bool,
) -> None:
    """Compare two sample sets with metrics, outside any benchmark.

    Image tensors are read by dtype: uint8 as 0-255; floats as [0, 1] when no value is
    negative, else as [-1, 1].
    """
    registry = _registry()
    real, fake = load_set(real_path, "--real"), load_set(fake_path, "--fake")
    options = CompareOptions(
        features=features,
        metrics=metrics or DEFAULT_METRICS,
        k=k,
        weights=weights,
        dataset=dataset,
        device=device,
        batch_size=batch_size,
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = compare(real, fake, registry, options)
    for message in dict.fromkeys(str(w.message) for w in caught):
        click.echo(f"warning: {message}", err=True)
    values = {
        key: value if math.isfinite(value) else None for key, value in result.scores.values.items()
    }
    if as_json:
        click.echo(json.dumps(values, indent=2))
        return
    console = _console()
    console.print(escape(f"real: {real.description} ({real_path})"))
    console.print(escape(f"fake: {fake.description} ({fake_path})"))
    console.print(escape(f"features: {result.features['name']}"))
    console.print(_values_table(values))


def _values_table(values: dict[str, float | None]) -> Table:
    table = Table()
    table.add_column("Metric")
    table.add_column("Value", justify="right")
    for key, value in values.items():
        table.add_row(key, "undefined" if value is None else f"{value:.6g}")
    return table


main = cli
