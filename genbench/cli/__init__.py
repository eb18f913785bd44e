"""The command line: `genbench run`, `list`, `show`, `report`, `eval` and `compare`.

A `UserError` becomes one line on stderr and exit code 2, with no traceback. Torch, pandas and
matplotlib are imported inside the commands that train, evaluate or tabulate, never at start-up:
`--help`, `list`, `show` and every spec error answer without them.

This module holds the group and its error handling; the commands live in `run`, `listing`
(list, show, check-plugin), `evaluation` (eval, compare) and `report`, their shared helpers in
`common`.
"""

from __future__ import annotations

from typing import Any

import click

from genbench.cli import evaluation, listing, report, run
from genbench.errors import UserError


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


@click.group(cls=GenbenchGroup)
@click.version_option(package_name="genbench")
def cli() -> None:
    """Benchmark GAN objectives under equal, fixed budgets."""


for command in (
    run.run,
    listing.list_command,
    listing.show,
    report.report,
    evaluation.eval_command,
    evaluation.stats_command,
    listing.check_plugin,
    evaluation.compare_results_command,
):
    cli.add_command(command)

main = cli
