"""Training throughput of the `gan` model on the seeds' MNIST networks, against the machine's limit.

Why: how fast the engine trains decides how many steps a fixed time budget buys, so a slowdown
in the engine or the networks changes every benchmark result. Timed unit tests cannot guard
this (machines differ); this script instead prints, from one run, the throughput and the
float32 matmul peak of the same process, so the ratio between them is comparable across
machines and over time.

What it does: for each batch size it builds the `gan` model with `network = "mnist-mlp"`
(G 100-256-512-1024-784, D 784-1024-512-256-1) through the registry, as the runner does, and
trains it with `genbench.engine.loop.train` on random data already on the device (the data pipeline
is not measured) for `--seconds` of training clock, after a short warm-up.

How to read the output:
- it/s: generator steps per second of training clock; one iteration = `n_critic` critic
  updates (1 for `gan`) + 1 generator update, optimiser steps included.
- samples/s: real samples consumed per second (batch x critic updates per second).
- GFLOP/it: the matrix-multiply FLOPs of one iteration, counted analytically from the
  nn.Linear layers (see `iteration_flops`); "counted" is the same quantity as measured by
  torch's FlopCounterMode over one real iteration of the engine, as a check of the analytic
  count. The two should agree; if they do not, the engine or the networks changed.
- GFLOP/s and % of peak: the FLOP rate achieved, and its ratio to the measured torch.mm peak.
  Elementwise work (activations, losses, Adam) is not counted, so this ratio is a lower
  bound on the hardware's use; small batches are expected to sit far below the peak.

Usage: python benchmarks/bench_train.py [--device cpu|cuda] [--batches 64,256] [--seconds 5]
       [--compile] [--precision bf16]
`--compile` and `--precision` are the engine options of `[benchmark] compile` and `precision`
(on CUDA, compilation replays the step as CUDA graphs); compilation happens before the clock.

Other modes (`--mode`) print ratios measured in one process run, the two sides interleaved
and repeated (`--repeats`), so they hold on a busy machine (the load average is printed):
- `seed`: the `genbench run` training path (the registry's dataset in memory, the model as
  the runner builds it, `engine.train` on the threads the runner plans) against a seed-style
  loop written here (torchvision MNIST + DataLoader + the same networks + Adam, sigmoid + BCE),
  both at batch 64 for `--seconds` of training clock; then the toy MLP on ring-8 against a
  bare eager loop, at torch's default threads and at one thread. Needs the full MNIST:
  GENBENCH_DATA_ROOT=DIR with DIR/MNIST/raw (see ../shared/data/unpack-mnist.sh). Targets:
  >= 2x the seed loop, >= 1.5x the bare loop.
- `jobs`: wall time of `genbench run --jobs 2` against `--jobs 1` on a sweep of eight small
  2-D runs (subprocesses, start-up included) on `--device` (on a GPU: small runs sharing it).
  Target: <= 0.65x.
- `neighbours`: two `genbench run` on ring-8 started at once, each one's it/s (from its
  record) against a solo run's. Target: each >= 40 % of solo; `contended` says whether the
  run noticed its neighbour.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

import genbench
from genbench.api.data import DatasetRequest
from genbench.api.params import resolve_params
from genbench.engine.acceleration import EngineOptions
from genbench.engine.loop import train
from genbench.registry import Registry, activate, current
from genbench.spec.budget import Budget
from genbench.spec.keys import PRECISIONS

MODEL = "gan"
NETWORK = "mnist-mlp"
SAMPLE_SHAPE = (1, 28, 28)
DATA_SIZE = 10_000
WARMUP_STEPS = 20
MATMUL_SIZE = {"cpu": 2048, "cuda": 8192}
MATMUL_REPEATS = 10


@dataclass(frozen=True)
class Measurement:
    batch_size: int
    flops_per_iteration: float
    counted_flops_per_iteration: float
    iterations_per_second: float
    samples_per_second: float
    flops_per_second: float


def linear_macs(network: nn.Module) -> tuple[int, int]:
    """Multiply-adds per sample of all the network's nn.Linear layers, and of its first one."""
    macs = [m.in_features * m.out_features for m in network.modules() if isinstance(m, nn.Linear)]
    return sum(macs), macs[0]


def iteration_flops(model: genbench.AdversarialModel, n_critic: float) -> float:
    """Matmul FLOPs of one engine iteration (`n_critic` critic updates + 1 generator update).

    Counted per sample in multiply-adds (MACs), then x batch x 2 FLOPs. A Linear layer's
    forward costs its MACs; its backward costs its MACs again for the weight gradient and
    again for the input gradient, each only where autograd actually computes it:
    - critic update: G forward without grad on B latents; D forward on B real and B fake
      samples; D backward on both with weight gradients for every layer and input gradients
      for every layer but the first (neither the data nor the no-grad fake requires grad).
    - generator update: G forward; D forward; D backward with input gradients only (the engine
      turns the critic's requires_grad off, so no weight gradients); G backward with weight
      gradients for every layer and input gradients for every layer but the first (the latent
      of the parameter-free normal prior requires no grad).
    Biases, activations, losses and the optimiser steps are elementwise and not counted.
    """
    g_macs, g_first = linear_macs(model.generator)
    d_macs, d_first = linear_macs(model.critic)
    critic_update = g_macs + 2 * d_macs + 2 * d_macs + 2 * (d_macs - d_first)
    generator_update = g_macs + d_macs + d_macs + g_macs + (g_macs - g_first)
    return 2.0 * model.batch_size * (n_critic * critic_update + generator_update)


def counted_iteration_flops(model: genbench.AdversarialModel, data: torch.Tensor) -> float:
    """Matmul FLOPs of one real engine iteration, as torch's FlopCounterMode counts them (less
    the critic passes with which the engine checks, before training, whether it may score real
    and generated batches in one pass)."""
    with FlopCounterMode(display=False) as counter:
        train(model, data, Budget(steps=1))
    with FlopCounterMode(display=False) as before_training:
        model.critic_is_per_sample(data[: model.batch_size])
    return float(counter.get_total_flops() - before_training.get_total_flops())


def build_model(
    registry: Registry, batch_size: int, device: torch.device
) -> genbench.AdversarialModel:
    """The model exactly as the runner builds it, from the registered family and its params."""
    family = registry.get("model", MODEL)
    given = {"batch_size": batch_size, "network": NETWORK}
    params = resolve_params(family.params, given, f"model {MODEL!r}")
    return family.build(genbench.BuildContext(params, SAMPLE_SHAPE, device, current()))


def measure_training(
    registry: Registry,
    batch_size: int,
    data: torch.Tensor,
    seconds: float,
    options: EngineOptions,
) -> Measurement:
    model = build_model(registry, batch_size, data.device)
    counted = counted_iteration_flops(model, data)
    train(model, data, Budget(steps=WARMUP_STEPS), options=options)
    outcome = train(model, data, Budget(seconds=seconds), options=options)
    if outcome.status != "ok":
        raise RuntimeError(f"batch {batch_size}: training {outcome.status}: {outcome.reason}")
    if options.compile and not outcome.compiled:
        raise RuntimeError(f"batch {batch_size}: compilation failed: {outcome.compile_error}")
    flops = iteration_flops(model, n_critic=outcome.critic_steps / outcome.steps)
    return Measurement(
        batch_size=batch_size,
        flops_per_iteration=flops,
        counted_flops_per_iteration=counted,
        iterations_per_second=outcome.steps / outcome.seconds,
        samples_per_second=batch_size * outcome.critic_steps / outcome.seconds,
        flops_per_second=flops * outcome.steps / outcome.seconds,
    )


def matmul_flops_per_second(device: torch.device) -> float:
    """Best FLOP rate of torch.mm on square float32 matrices over a few repeats."""
    size = MATMUL_SIZE[device.type]
    a, b = (torch.randn(size, size, device=device) for _ in range(2))
    out = torch.mm(a, b)  # warm-up: thread pools, cuBLAS handles, kernel selection
    best = float("inf")
    for _ in range(MATMUL_REPEATS):
        synchronize(device)
        started = time.perf_counter()
        torch.mm(a, b, out=out)
        synchronize(device)
        best = min(best, time.perf_counter() - started)
    return 2.0 * size**3 / best


def matmul_peaks(device: torch.device) -> dict[str, float]:
    """Measured float32 matmul peaks, keyed by torch's float32 matmul precision setting.

    On CUDA both "highest" (TF32 off, true float32) and "high" (TF32 on) are measured; the
    training itself runs at the process's current setting, restored afterwards.
    """
    if device.type != "cuda":
        return {torch.get_float32_matmul_precision(): matmul_flops_per_second(device)}
    current = torch.get_float32_matmul_precision()
    peaks = {}
    try:
        for precision in ("highest", "high"):
            torch.set_float32_matmul_precision(precision)
            peaks[precision] = matmul_flops_per_second(device)
    finally:
        torch.set_float32_matmul_precision(current)
    return peaks


def synchronize(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def device_name(device: torch.device) -> str:
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


TF32 = {"highest": "TF32 off", "high": "TF32 on"}
COLUMNS = (
    f"{'batch':>5}  {'GFLOP/it':>8}  {'counted':>8}  {'it/s':>8}  {'samples/s':>10}  "
    f"{'GFLOP/s':>8}  {'% of peak':>9}"
)


def print_header(
    device: torch.device, load: float, peaks: dict[str, float], options: EngineOptions
) -> None:
    precision = torch.get_float32_matmul_precision()
    print(f"torch {torch.__version__}, device {device} ({device_name(device)})")
    print(
        f"threads {torch.get_num_threads()} (torch.get_num_threads), "
        f"float32 matmul precision {precision!r} ({TF32.get(precision, 'reduced')})"
    )
    print(
        f"load average before the run {load:.2f} on {os.cpu_count()} CPUs "
        "(if well above 0, other processes share the cores and the numbers read low)"
    )
    size = MATMUL_SIZE[device.type]
    for setting, peak in peaks.items():
        label = f"{setting!r}, {TF32.get(setting, 'reduced')}"
        marker = "  <- reference for % of peak" if setting == precision else ""
        print(
            f"matmul peak (torch.mm float32 {size}x{size}, best of {MATMUL_REPEATS}, {label}): "
            f"{peak / 1e9:,.1f} GFLOP/s{marker}"
        )
    print(f"model {MODEL!r}, network {NETWORK}, random data {DATA_SIZE} x {SAMPLE_SHAPE}")
    print(f"engine options: compile {options.compile}, precision {options.precision}")
    print()
    print(COLUMNS)
    print("-" * len(COLUMNS))


def print_row(m: Measurement, peak: float) -> None:
    print(
        f"{m.batch_size:>5}  {m.flops_per_iteration / 1e9:>8.3f}  "
        f"{m.counted_flops_per_iteration / 1e9:>8.3f}  {m.iterations_per_second:>8.1f}  "
        f"{m.samples_per_second:>10,.0f}  {m.flops_per_second / 1e9:>8.1f}  "
        f"{100 * m.flops_per_second / peak:>8.1f}%",
        flush=True,
    )


def median_ratios(
    label: str, ours: Callable[[], float], reference: Callable[[], float], repeats: int
) -> float:
    """Interleaved measurements of two rates; prints each pair and the median ratio."""
    ratios = []
    for repeat in range(repeats):
        a, b = ours(), reference()
        ratios.append(a / b)
        print(f"  {label} repeat {repeat}: {a:8.4g} vs {b:8.4g}  ratio {a / b:.2f}", flush=True)
    ratio = statistics.median(ratios)
    print(f"{label}: median ratio {ratio:.2f}", flush=True)
    return ratio


def genbench_rate(registry: Registry, dataset: str, seconds: float) -> float:
    """it/s of training clock on the `genbench run` path: the registry's dataset, the model as
    the runner builds it, the threads the runner plans."""
    from genbench.engine.threads import available_cpus, plan_threads, work_macs
    from genbench.spec.benchmark import resolve_data_root

    item = registry.get("dataset", dataset)
    params = resolve_params(item.params, {}, dataset)
    data = item.load(DatasetRequest(params, torch.device("cpu"), resolve_data_root(None))).train
    family = registry.get("model", MODEL)
    torch.manual_seed(0)
    model = family.build(
        genbench.BuildContext(
            resolve_params(family.params, {}, MODEL),
            tuple(data.shape[1:]),
            torch.device("cpu"),
            registry,
        )
    )
    threads = plan_threads(available_cpus(), 1, work_macs(model, model.batch_size))
    train(model, data, Budget(steps=WARMUP_STEPS), threads=threads)
    outcome = train(model, data, Budget(seconds=seconds), threads=threads)
    return outcome.steps / outcome.seconds


def seed_loop_rate(
    generator: nn.Module, critic: nn.Module, batches: Any, latent: int, seconds: float
) -> float:
    """it/s of a seed-style loop: batches from an iterable, sigmoid + BCE, default Adam."""
    g_opt = torch.optim.Adam(generator.parameters(), lr=2e-4, betas=(0.5, 0.999))
    d_opt = torch.optim.Adam(critic.parameters(), lr=2e-4, betas=(0.5, 0.999))
    bce = nn.BCELoss()
    steps, started, elapsed, warm = 0, time.perf_counter(), 0.0, False
    while elapsed < seconds:
        for real in batches():
            real = real.view(len(real), -1)
            ones, zeros = torch.ones(len(real), 1), torch.zeros(len(real), 1)
            fake = generator(torch.randn(len(real), latent)).view(len(real), -1)
            d_loss = bce(torch.sigmoid(critic(real)).view(-1, 1), ones) + bce(
                torch.sigmoid(critic(fake.detach())).view(-1, 1), zeros
            )
            d_opt.zero_grad()
            d_loss.backward()
            d_opt.step()
            g_loss = bce(torch.sigmoid(critic(fake)).view(-1, 1), ones)
            g_opt.zero_grad()
            g_loss.backward()
            g_opt.step()
            steps += 1
            elapsed = time.perf_counter() - started
            if steps == WARMUP_STEPS and not warm:
                steps, started, warm = 0, time.perf_counter(), True
            if elapsed >= seconds and steps > 0:
                break
    return steps / (time.perf_counter() - started)


def seed_networks(
    registry: Registry, name: str, sample_shape: tuple[int, ...]
) -> tuple[nn.Module, nn.Module, int]:
    """The registered network `name` (the seeds' `mnist-mlp`, or `toy-mlp`), as a model builds
    it with its defaults."""
    network = registry.get("network", name)
    params = resolve_params(network.params, {}, f"network {name!r}")
    torch.manual_seed(0)
    request = genbench.NetworkRequest(sample_shape, sample_shape, network.latent_dim, params)
    pair = network.build(request)
    return pair.generator, pair.critic, network.latent_dim


def run_seed_mode(args: argparse.Namespace, registry: Registry) -> None:
    import torchvision
    from torch.utils.data import DataLoader

    from genbench.spec.benchmark import resolve_data_root

    transform = torchvision.transforms.Compose(
        [torchvision.transforms.ToTensor(), torchvision.transforms.Normalize((0.5,), (0.5,))]
    )
    mnist = torchvision.datasets.MNIST(
        str(resolve_data_root(None)), train=True, transform=transform
    )
    loader = DataLoader(mnist, batch_size=64, shuffle=True, drop_last=True)

    def seed_mnist() -> float:
        generator, critic, latent = seed_networks(registry, "mnist-mlp", SAMPLE_SHAPE)
        return seed_loop_rate(
            generator, critic, lambda: (x for x, _ in loader), latent, args.seconds
        )

    print(
        f"MNIST, batch 64, {args.seconds:g} s of training clock per side, torch default "
        f"threads {torch.get_num_threads()} for the seed loop"
    )
    median_ratios(
        "genbench run path / seed-style loop (it/s)",
        lambda: genbench_rate(registry, "mnist", args.seconds),
        seed_mnist,
        args.repeats,
    )
    ring = registry.get("dataset", "ring-8")
    request = DatasetRequest(resolve_params(ring.params, {}, "ring-8"), torch.device("cpu"), Path())
    points = ring.load(request).train
    default_threads = torch.get_num_threads()

    def bare(threads: int) -> Callable[[], float]:
        def rate() -> float:
            previous = torch.get_num_threads()
            torch.set_num_threads(threads)
            try:
                generator, critic, latent = seed_networks(registry, "toy-mlp", (2,))
                indices = lambda: (  # noqa: E731
                    points[torch.randint(0, len(points), (64,))] for _ in range(10**9)
                )
                return seed_loop_rate(generator, critic, indices, latent, args.seconds)
            finally:
                torch.set_num_threads(previous)

        return rate

    for threads in sorted({default_threads, 1}, reverse=True):
        median_ratios(
            f"toy MLP on ring-8: genbench / bare eager loop at {threads} thread(s) (it/s)",
            lambda: genbench_rate(registry, "ring-8", args.seconds),
            bare(threads),
            args.repeats,
        )


EIGHT_RUNS = """
[benchmark]
name = "jobs"
dataset = "ring-8"
budget = "{budget}"
seeds = [0, 1, 2, 3]
device = "{device}"

[evaluation]
samples = 1000
metrics = ["mode-coverage"]

[[entry]]
name = "GAN"
model = "gan"

[[entry]]
name = "GAN minimax"
model = "gan"
generator_loss = "minimax"
"""


def genbench_cli(*args: str) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "genbench", "run", *args, "--force"]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def finish(process: subprocess.Popen[bytes]) -> None:
    _, err = process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"genbench run failed: {err.decode()[-2000:]}")


def run_jobs_mode(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as folder:
        spec = Path(folder) / "jobs.toml"
        spec.write_text(EIGHT_RUNS.format(budget=args.budget, device=args.device))

        def seconds_with(jobs: int) -> Callable[[], float]:
            def rate() -> float:
                started = time.perf_counter()
                finish(genbench_cli(str(spec), "--out", folder, "--jobs", str(jobs)))
                return 1.0 / (time.perf_counter() - started)  # sweeps per second

            return rate

        print(
            f"eight ring-8 runs of {args.budget} on {args.device}, wall time of the whole "
            "`genbench run`"
        )
        ratio = median_ratios(
            "--jobs 2 / --jobs 1 (sweeps per second)",
            seconds_with(2),
            seconds_with(1),
            args.repeats,
        )
        print(f"--jobs 2 takes {1 / ratio:.2f}x the time of --jobs 1 (target <= 0.65x)")


NEIGHBOUR_SPEC = """
[benchmark]
name = "{name}"
dataset = "ring-8"
budget = "{seconds}s"
seeds = [0]
device = "cpu"

[evaluation]
samples = 500
metrics = ["mode-coverage"]

[[entry]]
name = "GAN"
model = "gan"
"""


def run_neighbours_mode(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as folder:
        specs = []
        for name in ("first", "second"):
            spec = Path(folder) / f"{name}.toml"
            spec.write_text(NEIGHBOUR_SPEC.format(name=name, seconds=args.seconds))
            specs.append(spec)

        def train_facts(name: str) -> dict[str, Any]:
            record = Path(folder) / name / "runs" / "gan" / "seed-0" / "record.json"
            return json.loads(record.read_text())["train"]

        print(f"ring-8, {args.seconds:g} s budget per run; it/s from each run's record")
        shares = []
        for repeat in range(args.repeats):
            finish(genbench_cli(str(specs[0]), "--out", folder))
            solo = train_facts("first")["steps_per_second"]
            pair = [genbench_cli(str(spec), "--out", folder) for spec in specs]
            for process in pair:
                finish(process)
            for name in ("first", "second"):
                facts = train_facts(name)
                share = facts["steps_per_second"] / solo
                shares.append(share)
                print(
                    f"  repeat {repeat} {name}: {facts['steps_per_second']:.0f} it/s against "
                    f"{solo:.0f} solo ({share:.0%}), threads {facts['threads']}, CPU share "
                    f"{facts['cpu_share']:.2f}, contended {facts['contended']}",
                    flush=True,
                )
        print(
            f"neighbours: median {statistics.median(shares):.0%} of solo it/s, worst "
            f"{min(shares):.0%} (target >= 40 %)"
        )


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--mode",
        default="peak",
        choices=("peak", "seed", "jobs", "neighbours"),
        help="what to measure (default: peak; see the module docstring)",
    )
    parser.add_argument("--repeats", default=3, type=int, help="interleaved repeats (default 3)")
    parser.add_argument(
        "--budget", default="3000 steps", help="per-run budget of the jobs mode sweep"
    )
    parser.add_argument("--device", default="cpu", help="torch device (default: cpu)")
    parser.add_argument(
        "--compile", action="store_true", help="compile the step (peak mode; see above)"
    )
    parser.add_argument(
        "--precision",
        default="float32",
        choices=PRECISIONS,
        help="float32, or bf16 or fp16 autocast for the forward passes (peak mode)",
    )
    parser.add_argument(
        "--batches",
        default="64,256",
        type=lambda text: [int(b) for b in text.split(",")],
        help="comma-separated batch sizes (default: 64,256)",
    )
    parser.add_argument(
        "--seconds",
        default=5.0,
        type=float,
        help="training-clock seconds per measurement (default: 5)",
    )
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    load = os.getloadavg()[0]
    device = torch.device(args.device)
    registry = Registry.load()
    activate(registry)
    if args.mode != "peak":
        print(
            f"torch {torch.__version__}, {device_name(torch.device('cpu'))}, load average "
            f"{load:.2f} on {os.cpu_count()} CPUs (above 0: numbers taken under load)"
        )
        modes = {
            "seed": lambda: run_seed_mode(args, registry),
            "jobs": lambda: run_jobs_mode(args),
            "neighbours": lambda: run_neighbours_mode(args),
        }
        modes[args.mode]()
        return
    torch.manual_seed(0)
    options = EngineOptions(compile=args.compile, precision=args.precision)
    peaks = matmul_peaks(device)
    print_header(device, load, peaks, options)
    data = torch.rand(DATA_SIZE, *SAMPLE_SHAPE, device=device) * 2 - 1
    for batch_size in args.batches:
        measurement = measure_training(registry, batch_size, data, args.seconds, options)
        print_row(measurement, peaks[torch.get_float32_matmul_precision()])


if __name__ == "__main__":
    main()
