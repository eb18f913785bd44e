"""What moves FID, measured on one generator: the reference split, how many real and
generated samples, FID-infinity, and the feature extractor; and, on two Gaussians whose FID is
known, why FID-infinity's subsets must be independent draws.

The generator is benchmarks/fid_factors.toml's (trained once, then reused). The real side is
written once per protocol with `genbench stats` (MNIST's whole train or test split, or the
10,000-sample subset a benchmark draws) and read back as pytorch-fid's .npz, the way a paper's
statistics would be; the generated side is 50,000 samples, and an FID at fewer is the mean and
standard deviation over 5 random subsets of them. Needs MNIST under $GENBENCH_DATA_ROOT.

    python benchmarks/fid_factors.py [--out results/fid_factors] [--csv FILE]

The resize factor (legacy-tf against clean) needs Inception's weights, which this offline
machine does not have: run `genbench eval --protocol clean` and `--protocol legacy-tf` on a
machine that has them (docs/fid.md says how).
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import sys
from pathlib import Path

import numpy as np
import torch

import genbench
from genbench.api import FeatureStatistics, feature_statistics
from genbench_metrics.fid import frechet_distance
from genbench_metrics.fid_infinity import fid_infinity, subset_sizes

REPO = Path(__file__).resolve().parent.parent
GENERATED = 50000
SUBSETS = 5
COUNTS = (2000, 5000, 10000, 20000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("results"))
    parser.add_argument("--csv", type=Path, help="also write the rows here")
    args = parser.parse_args()
    run = genbench.run(REPO / "benchmarks/fid_factors.toml", out=args.out, quiet=True)
    generator = genbench.load_generator(run.results_dir / "runs/gan/seed-0")
    fake = generator.sample(GENERATED, seed=1)
    stats = {
        "train, all 60,000": _stats(args.out, "train", None, "lenet-mnist"),
        "test, all 10,000": _stats(args.out, "test", None, "lenet-mnist"),
        "train, 10,000 (a benchmark's subset)": _stats(args.out, "train", 10000, "lenet-mnist"),
    }
    rows: list[tuple[str, str, str]] = []
    train = stats["train, all 60,000"]
    for name, path in stats.items():
        rows.append(("reference set", name, _fid_over_subsets(path, fake, 10000)))
    for count in COUNTS:
        rows.append(("generated samples", f"{count:,}", _fid_over_subsets(train, fake, count)))
    rows.append(("generated samples", f"{GENERATED:,}", _fid(train, fake, "fid")))
    rows.append(
        ("generated samples", f"FID∞ from {GENERATED:,}", _fid(train, fake, "fid-infinity"))
    )
    pixels = _stats(args.out, "train", None, "identity")
    rows.append(("extractor", "lenet-mnist (128-d)", _fid_over_subsets(train, fake, 10000)))
    rows.append(
        ("extractor", "identity (784 pixels)", _fid_over_subsets(pixels, fake, 10000, "identity"))
    )
    print(
        f"FID of one generator ({run.results_dir}), vs each reference; 10,000 generated samples "
        f"unless the row says otherwise\n"
    )
    _print(["factor", "setting", "FID"], rows)
    print("\nFID-infinity on two Gaussians, 256-d, N(0, I) against N(0.1, 1.44 I): truth 12.80\n")
    gaussians = _gaussians()
    _print(["generated draws", "FID at 5,000", "FID∞ from 5,000"], gaussians)
    if args.csv:
        args.csv.parent.mkdir(parents=True, exist_ok=True)
        with args.csv.open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["factor", "setting", "fid"])
            writer.writerows(rows)
            writer.writerows(("gaussians: " + row[0], "FID at 5,000 | FID∞", f"{row[1]} | {row[2]}")
                             for row in gaussians)  # fmt: skip


def _stats(out: Path, split: str, samples: int | None, features: str) -> Path:
    """The reference statistics file, written by `genbench stats` once."""
    extent = samples or "all"
    path = out / "fid_factors" / "reference" / f"mnist-{split}-{extent}-{features}.npz"
    if not path.exists():
        command = ["genbench", "stats", str(path), "--dataset", "mnist", "--split", split,
                   "--features", features]  # fmt: skip
        command += ["--samples", str(samples)] if samples else []
        subprocess.run(command, check=True)
    return path


def _fid(stats: Path, fake: torch.Tensor, metric: str, features: str = "lenet-mnist") -> str:
    values = genbench.evaluate(str(stats), fake, metrics=[metric], features=features)
    return f"{values[metric.replace('-', '_')]:.2f}"


def _fid_over_subsets(
    stats: Path, fake: torch.Tensor, count: int, features: str = "lenet-mnist"
) -> str:
    generator = torch.Generator().manual_seed(count)
    values = []
    for _ in range(SUBSETS):
        subset = fake[torch.randperm(len(fake), generator=generator)[:count]]
        values.append(float(_fid(stats, subset, "fid", features)))
    return f"{np.mean(values):.2f} ± {np.std(values, ddof=1):.2f}"


def _gaussians() -> list[tuple[str, str, str]]:
    """FID and FID∞ from 5,000 draws, for independent draws and for the points of one
    scrambled Sobol set (whose random subsets are not quasi-random), 3 seeds each."""
    dim = 256
    real = FeatureStatistics(torch.zeros(dim, dtype=torch.float64), torch.eye(dim).double())
    sizes = subset_sizes(5000, 15, 0.1)
    rows = []
    for kind in ("independent", "one Sobol set"):
        fids, infinities = [], []
        for seed in range(3):
            if kind == "independent":
                normal = torch.randn(5000, dim, generator=torch.Generator().manual_seed(seed))
            else:
                sobol = torch.quasirandom.SobolEngine(dim, scramble=True, seed=seed)
                uniform = sobol.draw(5000, dtype=torch.float64).clamp(1e-9, 1 - 1e-9)
                normal = torch.distributions.Normal(0.0, 1.0).icdf(uniform)
            fake = 0.1 + 1.2 * normal.double()
            fids.append(frechet_distance(real, feature_statistics(fake)))
            infinities.append(fid_infinity(real, fake, sizes, seed)[0])
        rows.append((kind, _mean_sd(fids), _mean_sd(infinities)))
    return rows


def _mean_sd(values: list[float]) -> str:
    return f"{np.mean(values):.2f} ± {np.std(values, ddof=1):.2f}"


def _print(header: list[str], rows: list[tuple[str, ...]]) -> None:
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
