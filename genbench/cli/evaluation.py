"""`genbench eval` (two sample sets, outside any benchmark) and `genbench compare` (two
results folders)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.markup import escape
from rich.table import Table

from genbench.cli.common import load_registry, make_console
from genbench.errors import UserError, collected_warnings
from genbench.eval import DEFAULT_METRICS
from genbench.report.values import finite_or_none

if TYPE_CHECKING:
    from genbench.api.record import RunRecord


@click.command(name="eval")
@click.option(
    "--real",
    "real_path",
    type=click.Path(path_type=Path),
    help="Reference set: a folder of PNG/JPEG images, or a .npy/.pt tensor of images "
    "(N, C, H, W) or features (N, D).",
)
@click.option(
    "--real-stats",
    "real_stats",
    type=click.Path(path_type=Path),
    help="Reference statistics instead of --real: pytorch-fid's .npz (mu, sigma), as clean-fid "
    "and papers publish them or `genbench stats` writes them; for fid and fid-infinity.",
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
    "--protocol",
    help="FID protocol of the extractor (inception: legacy-tf, resizing inside the network as "
    "pytorch-fid, the default; or clean, PIL bicubic first as clean-fid).",
)
@click.option(
    "--dataset",
    help="Registered dataset the real set comes from: metrics read its facts (ring-8's modes "
    "for mode-coverage), a learned extractor is built on it (default: mnist for lenet-mnist, "
    "else none).",
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
    real_path: Path | None,
    real_stats: Path | None,
    fake_path: Path,
    features: str | None,
    metrics: tuple[str, ...],
    k: int | None,
    weights: str | None,
    protocol: str | None,
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
    from genbench.eval.statistics_file import read_statistics

    if (real_path is None) == (real_stats is None):
        raise UserError("give the reference set with --real, or its statistics with --real-stats")
    registry = load_registry()
    real = (
        read_statistics(real_stats, "--real-stats")
        if real_stats is not None
        else load_set(real_path, "--real")  # type: ignore[arg-type]
    )
    fake = load_set(fake_path, "--fake")
    options = CompareOptions(
        features=features,
        metrics=metrics or DEFAULT_METRICS,
        k=k,
        weights=weights,
        protocol=protocol,
        dataset=dataset,
        device=device,
        batch_size=batch_size,
    )
    with collected_warnings() as caught:
        result = compare(real, fake, registry, options)
    for message in caught:
        click.echo(f"warning: {message}", err=True)
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    values = {key: finite_or_none(value) for key, value in result.scores.values.items()}
    if as_json:
        click.echo(json.dumps(values, indent=2))
        return
    console = make_console()
    console.print(escape(f"real: {real.description} ({real_path or real_stats})"))
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


@click.command(name="stats")
@click.argument("out", type=click.Path(path_type=Path))
@click.option("--dataset", help="Registered dataset whose split is the reference set.")
@click.option(
    "--split",
    type=click.Choice(["train", "test"]),
    default="train",
    show_default=True,
    help="The dataset's split.",
)
@click.option(
    "--samples",
    type=click.IntRange(min=2),
    help="Samples of the split, drawn as a benchmark's reference subset is (default: all).",
)
@click.option(
    "--set",
    "set_path",
    type=click.Path(path_type=Path),
    help="Or a set from disk: a folder of PNG/JPEG images, or a .npy/.pt tensor.",
)
@click.option("--features", help="Feature extractor (default: inception for images).")
@click.option("--weights", help="Local weights file for the extractor (inception offline).")
@click.option("--protocol", help="FID protocol of the extractor (inception: legacy-tf or clean).")
@click.option("--device", default="auto", show_default=True, help="auto, cpu, cuda[:N] or mps.")
@click.option(
    "--batch-size", default=500, show_default=True, type=click.IntRange(min=1), help="Batch size."
)
def stats_command(
    out: Path,
    dataset: str | None,
    split: str,
    samples: int | None,
    set_path: Path | None,
    features: str | None,
    weights: str | None,
    protocol: str | None,
    device: str,
    batch_size: int,
) -> None:
    """Write a reference set's feature statistics to OUT (.npz), in pytorch-fid's format (mu,
    sigma) with how they were made beside them, for `genbench eval --real-stats OUT`."""
    from genbench.eval.compare import CompareOptions
    from genbench.eval.make_statistics import StatisticsSource, make_statistics
    from genbench.eval.sets import load_set

    if (dataset is None) == (set_path is None):
        raise UserError("give the reference set: --dataset NAME or --set PATH (one of them)")
    if out.suffix != ".npz":
        raise UserError(f"{out}: statistics are written as .npz; name the file OUT.npz")
    given = load_set(set_path, "--set") if set_path is not None else None
    source = StatisticsSource(dataset, split, samples, given, set_path)
    options = CompareOptions(
        features=features, weights=weights, protocol=protocol, device=device, batch_size=batch_size
    )
    with collected_warnings() as caught:
        statistics, made_by = make_statistics(source, out, load_registry(), options)
    for message in caught:
        click.echo(f"warning: {message}", err=True)
    click.echo(
        f"wrote {out}: {made_by['extractor']['name']} features of {made_by['source']} "
        f"({statistics.count} samples, dimension {statistics.dim})"
    )


@click.command(name="compare")
@click.argument("results_a", type=click.Path(path_type=Path))
@click.argument("results_b", type=click.Path(path_type=Path), required=False)
@click.option(
    "--baseline",
    metavar="ENTRY",
    help="Compare every entry of RESULTS_A with its entry ENTRY instead (no RESULTS_B).",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of the rows.")
def compare_results_command(
    results_a: Path, results_b: Path | None, baseline: str | None, as_json: bool
) -> None:
    """Per-entry differences B - A, with 95 % intervals and p-values, for every metric the
    results folders RESULTS_A and RESULTS_B (e.g. results/mnist_all) share; with --baseline,
    every entry of RESULTS_A minus that entry."""
    from genbench.report.differences import against_baseline, differences, to_json, to_rich

    if baseline is not None and results_b is None:
        result = against_baseline(_records(results_a), baseline)
        labels = (f"{baseline!r} in {results_a}", f"each entry in {results_a}")
    elif baseline is None and results_b is not None:
        result = differences(_records(results_a), _records(results_b))
        labels = (str(results_a), str(results_b))
    else:
        raise UserError("give two results folders, or one and --baseline ENTRY")
    if as_json:
        click.echo(json.dumps(to_json(result), indent=2))
        return
    make_console().print(to_rich(result, *labels))


def _records(path: Path) -> list[RunRecord]:
    from genbench.sweep.records import find_records

    scan = find_records(path)
    if not scan.records:
        damaged = f" ({len(scan.damaged)} damaged)" if scan.damaged else ""
        raise UserError(f"{path}: no run records found{damaged}; run `genbench run SPEC` first")
    for message in scan.damaged:
        click.echo(f"warning: {message}; left out of the comparison", err=True)
    return scan.records
