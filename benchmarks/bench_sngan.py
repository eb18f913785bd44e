"""Training speed of the CIFAR-10 ResNets on random 32x32x3 data, in each engine precision,
eager and compiled: the step rate a CIFAR-10 benchmark's time budget buys, and its FLOP rate
as the engine counts it. `--network sngan-resnet` (the default): hinge loss, n_critic 5, as
benchmarks/cifar10_sngan.toml; `--network biggan`: class-conditional on 10 random labels,
hinge, n_critic 4, as benchmarks/cifar10_biggan_conditional.toml.

    python benchmarks/bench_sngan.py [--device cuda] [--seconds 5] [--batch 64]
                                     [--network biggan]

Prints one row per setting: generator steps per second, real images per second, and the
engine's counted training TFLOP per second (matrix products of the forward and backward
passes). Nothing is compared with a reference here: the rows are each other's reference
(bf16 and fp16 against float32, compiled against eager), measured in one process.
"""

from __future__ import annotations

import argparse

import torch

import genbench
from genbench.api.params import resolve_params
from genbench.engine.acceleration import EngineOptions
from genbench.engine.loop import train
from genbench.registry import Registry, activate
from genbench.spec.budget import Budget

SHAPE = (3, 32, 32)
CLASSES = 10
RECIPES = {
    "sngan-resnet": {"n_critic": 5, "betas": [0.0, 0.9]},
    "biggan": {"n_critic": 4, "betas": [0.0, 0.999], "conditional": True},
}
SETTINGS = [
    EngineOptions(),
    EngineOptions(precision="bf16"),
    EngineOptions(precision="fp16"),
    EngineOptions(compile=True),
    EngineOptions(compile=True, precision="fp16"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--network", choices=list(RECIPES), default="sngan-resnet")
    args = parser.parse_args()
    device = torch.device(args.device)
    registry = Registry.load()
    activate(registry)
    data = torch.rand(2048, *SHAPE, device=device) * 2 - 1
    recipe = RECIPES[args.network]
    labels = torch.randint(0, CLASSES, (2048,), device=device) if "conditional" in recipe else None
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu"
    print(f"torch {torch.__version__}, {name}; {args.network}, hinge, {recipe}, batch {args.batch}")
    print(f"{'setting':<22} {'it/s':>8} {'images/s':>10} {'TFLOP/s':>8}  status")
    for options in SETTINGS:
        model = _model(registry, args.network, args.batch, device)
        train(model, data, Budget(steps=3), options=options, labels=labels)  # warm-up, compiling
        outcome = train(model, data, Budget(seconds=args.seconds), options=options, labels=labels)
        label = f"{'compiled' if options.compile else 'eager'} {options.precision}"
        rate = outcome.steps / outcome.seconds
        images = args.batch * outcome.critic_steps / outcome.seconds
        tflops = outcome.flops / outcome.seconds / 1e12
        note = outcome.status + (f" ({outcome.compile_error})" if outcome.compile_error else "")
        print(f"{label:<22} {rate:>8.2f} {images:>10,.0f} {tflops:>8.3f}  {note}")


def _model(
    registry: Registry, network: str, batch: int, device: torch.device
) -> genbench.AdversarialModel:
    family = registry.get("model", "fgan")
    given = {"divergence": "hinge", "batch_size": batch, "network": network, **RECIPES[network]}
    params = resolve_params(family.params, given, "model 'fgan'")
    frequencies = torch.full((CLASSES,), 1 / CLASSES) if "conditional" in given else None
    torch.manual_seed(0)
    context = genbench.BuildContext(params, SHAPE, device, registry, None, frequencies)
    return family.build(context)


if __name__ == "__main__":
    main()
