"""What streaming an image folder costs a training step: the same model on the same folder,
held in memory against decoded in DataLoader workers (`image-folder` with `stream = true`),
measured one after another in this process.

    python benchmarks/bench_stream.py FOLDER [--size 28] [--channels 1] [--seconds 20]
                                             [--network mnist-mlp-small] [--batch 64]
                                             [--workers 0,1,2] [--threads N]

FOLDER holds the images (e.g. MNIST's digits written as PNG files). Prints the steps per second
of each setting and its ratio to the held folder's: below 1, the workers' decoding (or their
competition with training for the cores) limits the step. Nothing is written.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import torch

import genbench
from genbench.engine.loop import train
from genbench.registry import Registry, activate
from genbench.spec.budget import Budget


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--size", type=int, default=28)
    parser.add_argument("--channels", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--network", default="mnist-mlp-small")
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--workers", default="0,1,2")
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    registry = Registry.load()
    activate(registry)
    shape = f"{args.size}x{args.size}x{args.channels}"
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; {args.network}, "
          f"batch {args.batch}, {shape} images from {args.folder}")  # fmt: skip
    settings: list[tuple[str, dict[str, object]]] = [("held", {})]
    for workers in args.workers.split(","):
        settings.append((f"stream, {workers} workers", {"stream": True, "workers": int(workers)}))
    held_rate = None
    with tempfile.TemporaryDirectory() as cache:
        for label, given in settings:
            data = _data(registry, args, Path(cache), given)
            model = _model(registry, args, data.sample_shape)
            train(model, data.train, Budget(steps=20), stream=data.stream)  # warm-up
            outcome = train(model, data.train, Budget(seconds=args.seconds), stream=data.stream)
            rate = outcome.steps / outcome.seconds
            held_rate = held_rate or rate
            print(f"{label:<20} {rate:8.1f} steps/s  {rate / held_rate:5.2f}x held")


def _data(
    registry: Registry, args: argparse.Namespace, cache: Path, given: dict[str, object]
) -> genbench.LoadedData:
    dataset = registry.get("dataset", "image-folder")
    asked = {"path": str(args.folder), "size": args.size, "channels": args.channels, **given}
    params = genbench.resolve_params(dataset.params, asked, "dataset")
    return dataset.load(genbench.DatasetRequest(params, torch.device("cpu"), cache))


def _model(
    registry: Registry, args: argparse.Namespace, shape: tuple[int, ...]
) -> genbench.AdversarialModel:
    family = registry.get("model", "gan")
    given = {"network": args.network, "batch_size": args.batch}
    params = genbench.resolve_params(family.params, given, "model 'gan'")
    torch.manual_seed(0)
    return family.build(genbench.BuildContext(params, shape, torch.device("cpu"), registry))


if __name__ == "__main__":
    main()
