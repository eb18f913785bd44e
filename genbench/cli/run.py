"""`genbench run`: train and evaluate a benchmark spec, resumably."""

from __future__ import annotations

import shlex
from pathlib import Path

import click

from genbench.cli.common import load_registry, make_console
from genbench.errors import UserError, did_you_mean
from genbench.registry import Registry
from genbench.sweep.spec import Overrides, load_spec


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
    overrides = Overrides(budget=budget, seeds=seeds, device=device, executor=executor)
    spec = load_spec(spec_file, registry, overrides)
    if address is not None:  # the executor reads it there, as its workers do
        from genbench.sweep.address import set_address

        set_address(address, registry.get("executor", spec.executor))
    from genbench.sweep.interrupt import EXIT_INTERRUPTED, two_stage_interrupts
    from genbench.sweep.outdir import check_writable_folder
    from genbench.sweep.runner import Sweep

    check_writable_folder(out / spec.name, "--out")
    console = make_console()
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
            ("--jobs", str(jobs) if _typed(click.get_current_context(), "jobs") else None),
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


def _typed(context: click.Context, name: str) -> bool:
    """Whether the option was given on the command line (not by its environment variable, which
    the resumed command inherits anyway)."""
    return context.get_parameter_source(name) is click.core.ParameterSource.COMMANDLINE
