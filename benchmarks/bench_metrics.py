"""Speed and exactness of the k-NN metrics against the `prdc` package (Naeem et al.'s code).

Why: precision, recall, density and coverage at the seeds' N = 10 000 are the slowest part
of an evaluation, and a faster implementation is only worth having if it gives the same
numbers. This script prints, from one run on the same random features, genbench's times and
values beside prdc.compute_prdc's, and the speed ratio.

What it does: draws N real and N generated float32 features of width `--dim` (the generated
ones shifted a little, so no value is trivially 0 or 1), then times
- genbench's `precision_recall` and `density_coverage`, each as its metric runs it (both
  compute the real set's k-NN radii and one real x generated pass; precision-recall also the
  generated set's radii), on the CPU unless `--device` says otherwise;
- prdc.compute_prdc, which returns all four from one call, on the same features as float32
  arrays, the dtype its documentation asks for (it then computes distances in float64 chunks
  through scikit-learn and rounds them to float32), and, with `--prdc-float64`, also on the
  same features as float64 arrays (distances kept in float64).

How to read it: each time is the fastest of `--repeats` runs, interleaved so that genbench
and prdc see the same load (every run's time follows in brackets); "ratio" is prdc's time
over genbench's two metrics together. The values
should agree exactly: genbench decides every comparison that float32 cannot in float64, and
counts a ball's boundary as inside; prdc compares with a strict `<` and, on float32 input,
float32-rounded distances, so a rare exact tie or a pair closer than float32 resolution could
differ by 1/N. Others sharing the machine make times noisy: run it on an idle machine.

Usage: python benchmarks/bench_metrics.py [--n 10000] [--dim 2048] [--k 3] [--repeats 3]
       [--prdc-float64] [--device cpu]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import platform
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import prdc
import torch

from genbench_metrics.density_coverage import density_coverage
from genbench_metrics.precision_recall import precision_recall

SHIFT = 0.05
KEYS = ("precision", "recall", "density", "coverage")


def features(n: int, dim: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    generator = torch.Generator().manual_seed(seed)
    real = torch.randn(n, dim, generator=generator)
    fake = torch.randn(n, dim, generator=generator) + SHIFT
    return real, fake


def timed(function: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    result = function()
    return result, time.perf_counter() - start


def run_genbench(real: torch.Tensor, fake: torch.Tensor, k: int) -> dict[str, tuple[Any, float]]:
    return {
        "precision-recall": timed(lambda: precision_recall(real, fake, k)),
        "density-coverage": timed(lambda: density_coverage(real, fake, k)),
    }


def run_prdc(real: np.ndarray, fake: np.ndarray, k: int) -> tuple[dict[str, float], float]:
    with contextlib.redirect_stdout(io.StringIO()):  # prdc prints the set sizes
        result, seconds = timed(lambda: prdc.compute_prdc(real, fake, nearest_k=k))
    return {key: float(result[key]) for key in KEYS}, seconds


def print_row(name: str, seconds: list[float], values: dict[str, float]) -> None:
    shown = "  ".join(f"{key} {values[key]:.6f}" for key in KEYS if key in values)
    every = ", ".join(f"{s:.2f}" for s in seconds)
    print(f"{name:<34} {min(seconds):7.2f} s ({every})   {shown}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000, help="samples per set")
    parser.add_argument("--dim", type=int, default=2048, help="feature width")
    parser.add_argument("--k", type=int, default=3, help="nearest neighbour for the radii")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--repeats", type=int, default=3, help="interleaved timings per method")
    parser.add_argument("--prdc-float64", action="store_true", help="also time prdc on float64")
    args = parser.parse_args()

    real, fake = features(args.n, args.dim, args.seed)
    processor = platform.processor() or platform.machine()
    print(
        f"N = {args.n}, dim = {args.dim}, k = {args.k}; {processor}, {os.cpu_count()} CPUs, "
        f"torch {torch.__version__} with {torch.get_num_threads()} threads, device "
        f"{args.device}; fastest of {args.repeats} interleaved runs (every run in brackets)"
    )
    on_device = real.to(args.device), fake.to(args.device)
    dtypes = {"float32": np.float32} | ({"float64": np.float64} if args.prdc_float64 else {})
    times: dict[str, list[float]] = {}
    ours: dict[str, float] = {}
    theirs: dict[str, dict[str, float]] = {}
    for _ in range(args.repeats):
        for metric, (result, seconds) in run_genbench(*on_device, args.k).items():
            times.setdefault(metric, []).append(seconds)
            names = ("precision", "recall") if metric == "precision-recall" else KEYS[2:]
            ours.update(zip(names, result, strict=True))
        for name, dtype in dtypes.items():
            arrays = real.numpy().astype(dtype), fake.numpy().astype(dtype)
            theirs[name], seconds = run_prdc(*arrays, args.k)
            times.setdefault(name, []).append(seconds)

    both = [
        a + b for a, b in zip(times["precision-recall"], times["density-coverage"], strict=True)
    ]
    print_row("genbench precision-recall", times["precision-recall"], ours)
    print_row(
        "genbench density-coverage", times["density-coverage"], {k: ours[k] for k in KEYS[2:]}
    )
    print_row("genbench, both metrics", both, ours)
    for name, values in theirs.items():
        print_row(f"prdc.compute_prdc ({name} input)", times[name], values)
        largest = max(abs(values[key] - ours[key]) for key in KEYS)
        print(
            f"  ratio prdc / genbench: {min(times[name]) / min(both):.1f}x (precision-recall "
            f"alone {min(times[name]) / min(times['precision-recall']):.1f}x); largest "
            f"difference in values {largest:.2g} ({'equal' if largest < 1e-12 else 'different'})"
        )


if __name__ == "__main__":
    main()
