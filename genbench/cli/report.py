"""`genbench report`: rebuild a results folder's table and files from its records."""

from __future__ import annotations

from pathlib import Path

import click

from genbench.cli.common import make_console
from genbench.errors import UserError


@click.command()
@click.argument("results_dir", type=click.Path(path_type=Path))
def report(results_dir: Path) -> None:
    """Rebuild the comparison table of RESULTS_DIR (e.g. results/mnist_all) from its records."""
    from genbench.report.publish import publish
    from genbench.sweep.lock import results_lock
    from genbench.sweep.records import find_records
    from genbench.sweep.results_folder import check_writable_folder

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

    console = make_console()
    with results_lock(results_dir) as takeover:  # not while a sweep writes the same files
        for message in filter(None, [takeover]):
            warn(message)
        for message in scan.damaged:
            warn(f"{message}; left out (`genbench run` trains it again)")
        _, files = publish(records, results_dir, results_dir.name, console, warn)
    for path in files.values():
        console.print(f"wrote {path}")
