"""`genbench run`: train and evaluate a benchmark spec, resumably."""

from __future__ import annotations

import shlex
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from genbench.cli.common import load_registry, make_console
from genbench.devices import world_size
from genbench.errors import UserError, did_you_mean
from genbench.registry import Registry
from genbench.spec.benchmark import BenchmarkSpec, Overrides
from genbench.spec.load import load_spec
from genbench.sweep.options import SweepOptions, Tally

if TYPE_CHECKING:
    from rich.console import Console

    from genbench.search.run import SearchOutcome
    from genbench.sweep.execute import SweepOutcome


@click.command()
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
    registry = load_registry()
    overrides = Overrides(
        budget=budget, seeds=seeds, device=device, executor=executor, address=address
    )
    spec = load_spec(spec_file, registry, overrides)
    options = SweepOptions(force, _logger_names(registry, loggers), jobs or "auto", overrides)
    if dry_run:  # writes nothing, so it needs no folder it may write to
        _dry_run(spec, registry, out, options)
        return
    if world_size() > 1:  # started by torchrun: one of several ranks
        options = _ranked(spec, registry, out, options)
    from genbench.sweep.results_folder import check_writable_folder

    check_writable_folder(out / spec.name, "--out")
    from genbench.default_plugins.terminal import reporting
    from genbench.report.publish import publish
    from genbench.search.run import execute_benchmark
    from genbench.sweep.interrupt import EXIT_INTERRUPTED, two_stage_interrupts

    console = make_console()
    tally = Tally()
    try:
        with two_stage_interrupts(), reporting(registry, console) as reporter:
            outcome, search = execute_benchmark(spec, registry, out, options, tally)
    except KeyboardInterrupt:
        click.echo(_interrupted(tally, spec_file, out, loggers), err=True)
        raise SystemExit(EXIT_INTERRUPTED) from None
    title = spec.description or spec.name
    warn = reporter.genbench_sweep_warning
    _, files = publish(outcome.records, outcome.results_dir, title, console, warn)
    _print_counts(console, outcome, search, files)
    if outcome.failed:
        click.echo(
            f"{len(outcome.failed)} run(s) failed; their records hold the tracebacks: "
            + ", ".join(str(path) for path in outcome.failed),
            err=True,
        )
        raise SystemExit(1)


def _ranked(
    spec: BenchmarkSpec, registry: Registry, out: Path, options: SweepOptions
) -> SweepOptions:
    """The first rank's options for a sweep torchrun started on several ranks; a later rank
    follows the first (`genbench.sweep.ranks`) and ends here, silently."""
    from genbench.devices import resolve_device
    from genbench.sweep.ranks import follow, launched

    if options.jobs not in ("auto", 1):
        raise UserError("--jobs: torchrun's ranks train each run together; leave --jobs out")
    parallel = launched(spec, resolve_device(spec.device))
    if parallel is not None and parallel.rank > 0:
        follow(spec, registry, out, options, parallel)
        raise SystemExit(0)
    return replace(options, jobs=1, parallel=parallel)


def _print_counts(
    console: Console,
    outcome: SweepOutcome,
    search: SearchOutcome | None,
    files: dict[str, Path],
) -> None:
    """What was trained, evaluated again and reused, and the files written."""
    if search is not None:
        console.print(
            f"{search.trained} search trial(s) run; each entry's best settings: {search.best_spec}"
        )
    console.print(
        f"{outcome.trained} run(s) trained, {outcome.reevaluated} evaluated again from their "
        f"checkpoints, {outcome.reused} reused from earlier records."
    )
    for path in files.values():
        console.print(f"wrote {path}")


def _dry_run(spec: BenchmarkSpec, registry: Registry, out: Path, options: SweepOptions) -> None:
    """Print what the sweep would do, from the records alone; nothing is loaded or written."""
    from genbench.sweep.jobs import JobsRequest
    from genbench.sweep.plan import make_plan

    jobs = JobsRequest.of(spec, registry.get("executor", spec.executor), options.jobs)
    if spec.search is not None:
        from genbench.search.run import describe_search

        click.echo(f"{spec.name}: {describe_search(spec, out)}; nothing was written")
        return
    plan = make_plan(spec, out, options.force, options.loggers, jobs.asked or 1)
    for message in plan.damaged:
        click.echo(f"warning: {message}; that run would be trained again", err=True)
    click.echo(f"{spec.name}: {plan.describe()}; nothing was written")


def _interrupted(tally: Tally, spec_file: Path, out: Path, loggers: tuple[str, ...]) -> str:
    """The line a stopped sweep leaves: the runs kept, those dropped in flight, and the
    command that resumes it (the options as given on the command line)."""
    context = click.get_current_context()
    dropped = ", ".join(f"{run.entry} seed {run.seed}" for run in tally.in_flight.values())
    in_flight = f"; dropped in flight: {dropped}" if dropped else ""
    command = ["genbench", "run", str(spec_file), "--out", str(out)]
    for name in ("budget", "seeds", "executor", "address", "device", "jobs"):
        value = context.params[name]
        if value is not None and (name != "jobs" or _typed(context, name)):
            command += [f"--{name}", str(value)]
    for name in loggers:
        command += ["--log", name]
    return (
        f"interrupted: {len(tally.kept)} run(s) finished and kept{in_flight}; resume with: "
        f"{shlex.join(command)}"
    )


def _logger_names(registry: Registry, given: tuple[str, ...]) -> tuple[str, ...]:
    """The `--log` names, checked against those the installed logger plugins answer to."""
    split = (name.strip() for value in given for name in value.split(","))
    names = tuple(dict.fromkeys(name for name in split if name))
    known = {name for found in registry.hook.genbench_logger_names() for name in found}
    for name in names:
        if name not in known:
            raise UserError(f"--log {name}: no such logger; {did_you_mean(name, known)}")
    return names


def _typed(context: click.Context, name: str) -> bool:
    """Whether the option was given on the command line (not by its environment variable, which
    the resumed command inherits anyway)."""
    return context.get_parameter_source(name) is click.core.ParameterSource.COMMANDLINE
