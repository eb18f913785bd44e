"""The command line: `genbench run`, `list`, `show`, `report`, `eval` and `compare`.

A `UserError` becomes one line on stderr and exit code 2, with no traceback. Torch, pandas and
matplotlib are imported inside the commands that train, evaluate or tabulate, never at start-up:
`--help`, `list`, `show` and every spec error answer without them.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from genbench import registry as registry_module
from genbench.api.kinds import KIND_BY_NAME, KINDS
from genbench.api.params import describe_params
from genbench.errors import UserError, collected_warnings, did_you_mean
from genbench.eval import DEFAULT_METRICS
from genbench.registry import Registry
from genbench.report.values import finite_or_none
from genbench.sweep.spec import Overrides, load_spec

LISTABLE: dict[str, str | None] = {"plugins": None, **{kind.listing: kind.name for kind in KINDS}}


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
    for info in registry.plugins:
        if info.error and not info.builtin:
            source = f" (distribution {info.distribution})" if info.distribution else ""
            click.echo(
                f"warning: plugin {info.name}{source} is left out: {info.error}; "
                f"the other plugins work",
                err=True,
            )
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
@click.option("--address", help="Cluster for `--executor ray` to join, e.g. 'auto'.")
@click.option("--device", help="auto, cpu, cuda, cuda:N or mps.")
@click.option("--force", is_flag=True, help="Retrain runs that already have a matching record.")
@click.option(
    "--log",
    "loggers",
    multiple=True,
    help="Log each run to tensorboard, wandb or mlflow (repeatable, or comma-separated).",
)
@click.option(
    "--dry-run", is_flag=True, help="Print the plan (runs to train, reuse; time) and write nothing."
)
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
    address: str | None,
    device: str | None,
    force: bool,
    loggers: tuple[str, ...],
    dry_run: bool,
    jobs: int | None,
) -> None:
    """Train and evaluate every entry x seed of SPEC_FILE; print the comparison table.

    Ctrl-C stops the sweep: finished runs are kept and the same command resumes it."""
    registry = _registry()
    overrides = Overrides(budget=budget, seeds=seeds, device=device, executor=executor)
    spec = load_spec(spec_file, registry, overrides)
    if address is not None:  # the executor reads it there, as its workers do
        from genbench.sweep.address import set_address

        set_address(address, registry.get("executor", spec.executor))
    from genbench.sweep.interrupt import EXIT_INTERRUPTED, two_stage_interrupts
    from genbench.sweep.outdir import check_writable_folder
    from genbench.sweep.runner import Sweep

    check_writable_folder(out / spec.name, "--out")
    console = _console()
    names = _logger_names(registry, loggers)
    sweep = Sweep(
        spec,
        registry,
        out,
        force=force,
        console=console,
        loggers=names,
        jobs=jobs or "auto",
        overrides=overrides,
    )
    if dry_run:
        for message in sweep.damaged():
            click.echo(f"warning: {message}; that run would be trained again", err=True)
        click.echo(f"{spec.name}: {sweep.plan().describe()}; nothing was written")
        return
    try:
        with two_stage_interrupts():
            result = sweep.execute()
    except KeyboardInterrupt:
        dropped = (
            f"; the run in flight ({sweep.in_flight.entry} seed {sweep.in_flight.seed}) was dropped"
            if sweep.in_flight is not None
            else ""
        )
        command = ["genbench", "run", str(spec_file), "--out", str(out)]
        for option, value in (
            ("--budget", budget),
            ("--seeds", seeds),
            ("--executor", executor),
            ("--address", address),
            ("--device", device),
            ("--jobs", None if jobs is None else str(jobs)),
        ):
            command += [option, value] if value is not None else []
        for name in loggers:
            command += ["--log", name]
        click.echo(
            f"interrupted: {sweep.kept} run(s) finished and kept{dropped}; resume with: "
            f"{shlex.join(command)}",
            err=True,
        )
        raise SystemExit(EXIT_INTERRUPTED) from None
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


def _logger_names(registry: Registry, given: tuple[str, ...]) -> tuple[str, ...]:
    """The `--log` names, checked against those the installed logger plugins answer to."""
    split = (name.strip() for value in given for name in value.split(","))
    names = tuple(dict.fromkeys(name for name in split if name))
    known = {name for found in registry.hook.genbench_logger_names() for name in found}
    for name in names:
        if name not in known:
            raise UserError(f"--log {name}: no such logger; {did_you_mean(name, known)}")
    return names


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
            "hooks": registry.lifecycle_hooks_of(info.name),
            "error": info.error,
        }
        for info in registry.plugins
    ]


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
        table.add_row(row["name"], escape(row["description"]), params or "—", provider)
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
    from genbench.report.publish import publish
    from genbench.sweep.lock import results_lock
    from genbench.sweep.outdir import check_writable_folder
    from genbench.sweep.records import find_records

    if not results_dir.is_dir():
        raise UserError(f"{results_dir}: not a folder; give a benchmark's results folder")
    scan = find_records(results_dir)
    records = scan.records
    if not records:
        damaged = f" ({len(scan.damaged)} damaged)" if scan.damaged else ""
        raise UserError(
            f"{results_dir}: no run records found{damaged}; run `genbench run SPEC` first"
        )
    check_writable_folder(results_dir, "report")

    def warn(message: str) -> None:
        click.echo(f"warning: {message}", err=True)

    console = _console()
    with results_lock(results_dir) as takeover:  # not while a sweep writes the same files
        for message in filter(None, [takeover]):
            warn(message)
        for message in scan.damaged:
            warn(f"{message}; left out (`genbench run` trains it again)")
        _, files = publish(records, results_dir, results_dir.name, console, warn)
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
    from genbench.eval.compare import CompareOptions, compare
    from genbench.eval.sets import load_set

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
    with collected_warnings() as caught:
        result = compare(real, fake, registry, options)
    for message in caught:
        click.echo(f"warning: {message}", err=True)
    values = {key: finite_or_none(value) for key, value in result.scores.values.items()}
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


@cli.command(name="check-plugin")
@click.argument("plugin", required=False)
def check_plugin(plugin: str | None) -> None:
    """Load every item of PLUGIN (default: all plugins) and probe its divergences on a grid of
    critic outputs for losses or gradients that are not finite; exit 1 on any problem."""
    from genbench.plugin_check import divergence_problems

    registry = _registry()
    infos = {info.name: info for info in registry.plugins}
    if plugin is not None and plugin not in infos:
        raise UserError(f"unknown plugin {plugin!r}; {did_you_mean(plugin, infos)}")
    problems = 0
    for info in infos.values():
        if plugin is not None and info.name != plugin:
            continue
        if info.error:
            click.echo(f"{info.name}: failed to load: {info.error}")
            problems += 1
            continue
        for kind, names in registry.items_of(info.name).items():
            for name in names:
                found = _item_problems(registry, kind, name, divergence_problems)
                for line in found:
                    click.echo(f"{info.name}: {KIND_BY_NAME[kind].label} {name!r}: {line}")
                problems += len(found)
    click.echo(f"{problems} problem(s) found" if problems else "no problems found")
    if problems:
        raise SystemExit(1)


def _item_problems(
    registry: Registry, kind: str, name: str, probe: Callable[[Any], list[str]]
) -> list[str]:
    try:
        item = registry.get(kind, name)
    except Exception as exc:  # a plugin's import or type error is what this command reports
        return [f"cannot be loaded: {type(exc).__name__}: {exc}"]
    return probe(item) if kind == "divergence" else []


@cli.command(name="compare")
@click.argument("results_a", type=click.Path(path_type=Path))
@click.argument("results_b", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of the rows.")
def compare_results_command(results_a: Path, results_b: Path, as_json: bool) -> None:
    """Per-entry differences B - A, with 95 % intervals and p-values, for every metric the
    results folders RESULTS_A and RESULTS_B (e.g. results/mnist_all) share."""
    from genbench.report.differences import differences, to_json, to_rich
    from genbench.sweep.records import find_records

    found = {}
    for path in (results_a, results_b):
        scan = find_records(path)
        found[path] = scan.records
        if not found[path]:
            damaged = f" ({len(scan.damaged)} damaged)" if scan.damaged else ""
            raise UserError(f"{path}: no run records found{damaged}; run `genbench run SPEC` first")
        for message in scan.damaged:
            click.echo(f"warning: {message}; left out of the comparison", err=True)
    result = differences(found[results_a], found[results_b])
    if as_json:
        click.echo(json.dumps(to_json(result), indent=2))
        return
    _console().print(to_rich(result, str(results_a), str(results_b)))


main = cli
