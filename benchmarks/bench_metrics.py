"""Speed and exactness of the k-NN metrics against the `prdc` package (Naeem et al.'s code).

Why: precision, recall, density and coverage at the seeds' N = 10 000 are the slowest part
of an evaluation, and a faster implementation is only worth having if it gives the same
numbers. This script prints, from one run on the same random features, genbench's times and
values beside prdc.compute_prdc's, and the speed ratio.

What it does: draws N real and N generated float32 features of width `--dim` (the generated
ones shifted a little, so no value is trivially 0 or 1), then times
- genbench's precision-recall and density-coverage metrics, each alone (both compute the real
  set's k-NN radii and one real x generated pass; precision-recall also the generated set's
  radii), then both in one evaluation, where they share the pass, then both in a later
  evaluation of a sweep, where the real radii are known already; on the CPU unless `--device`
  says otherwise;
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

import genbench
from genbench_metrics.density_coverage import compute_density_coverage
from genbench_metrics.precision_recall import compute_precision_recall

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
    """Each metric alone, both in one evaluation (they share the balls pass), and both in a
    later evaluation of a sweep, where the real radii are already known."""

    def inputs(reference: dict[Any, Any]) -> genbench.MetricInputs:
        data = genbench.LoadedData(real, "bench")
        return genbench.MetricInputs(real, fake, real, fake, data, reference_shared=reference)

    def both(shared: genbench.MetricInputs) -> dict[str, float]:
        return compute_precision_recall(shared, {"k": k}) | compute_density_coverage(
            shared, {"k": k}
        )

    sweep: dict[Any, Any] = {}
    results = {
        "precision-recall": timed(lambda: compute_precision_recall(inputs({}), {"k": k})),
        "density-coverage": timed(lambda: compute_density_coverage(inputs({}), {"k": k})),
        "both, one evaluation": timed(lambda: both(inputs(sweep))),
    }
    results["both, later runs of a sweep"] = timed(lambda: both(inputs(sweep)))
    return results


def run_prdc(real: np.ndarray, fake: np.ndarray, k: int) -> tuple[dict[str, float], float]:
    with contextlib.redirect_stdout(io.StringIO()):  # prdc prints the set sizes
        result, seconds = timed(lambda: prdc.compute_prdc(real, fake, nearest_k=k))
    return {key: float(result[key]) for key in KEYS}, seconds


def print_row(name: str, seconds: list[float], values: dict[str, float]) -> None:
    shown = "  ".join(f"{key} {values[key]:.6f}" for key in KEYS if key in values)
    every = ", ".join(f"{s:.2f}" for s in seconds)
    print(f"{name:<38} {min(seconds):7.2f} s ({every})   {shown}")


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
        for name, (values, seconds) in run_genbench(*on_device, args.k).items():
            times.setdefault(name, []).append(seconds)
            ours.update(values)
        for name, dtype in dtypes.items():
            arrays = real.numpy().astype(dtype), fake.numpy().astype(dtype)
            theirs[name], seconds = run_prdc(*arrays, args.k)
            times.setdefault(name, []).append(seconds)

    for name in ("precision-recall", "density-coverage"):
        keys = KEYS[:2] if name == "precision-recall" else KEYS[2:]
        print_row(f"genbench {name}", times[name], {key: ours[key] for key in keys})
    for name in ("both, one evaluation", "both, later runs of a sweep"):
        print_row(f"genbench {name}", times[name], ours)
    for name, values in theirs.items():
        print_row(f"prdc.compute_prdc ({name} input)", times[name], values)
        largest = max(abs(values[key] - ours[key]) for key in KEYS)
        cold, warm = min(times["both, one evaluation"]), min(times["both, later runs of a sweep"])
        print(
            f"  ratio prdc / genbench: {min(times[name]) / cold:.1f}x for one evaluation, "
            f"{min(times[name]) / warm:.1f}x for later runs of a sweep; largest difference in "
            f"values {largest:.2g} ({'equal' if largest < 1e-12 else 'different'})"
        )


if __name__ == "__main__":
    main()
