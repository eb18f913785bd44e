"""Peak memory of `genbench eval` on a folder of 5,000 and of 50,000 small images: the folder
is read a batch at a time, so the two should differ by the features kept (N x 128 floats for
lenet-mnist), not by the images.

Each measurement is one `genbench eval --real DIR --fake DIR --features lenet-mnist --metric
fid` in a fresh process; its peak resident memory is the child's `ru_maxrss`. The images are
MNIST's training digits written as PNGs (needs MNIST under $GENBENCH_DATA_ROOT); a first run
trains (or reads from its cache) the LeNet, so that no measured run does.

Two columns: with glibc's allocator as it comes, and with its mmap threshold fixed at 1 MiB
(`MALLOC_MMAP_THRESHOLD_`). As it comes, glibc raises the threshold after the first large
block is freed, so the LeNet's activation blocks of every later batch come from the heap and
stay resident when freed: the peak then varies from run to run (1.1 to 1.8 GB at 50,000
images on this machine) with how they fragment, not with what the evaluation holds. The
fixed threshold returns them to the system, and shows what is held.

    python benchmarks/eval_memory.py [--folder /tmp/genbench-eval-memory]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import torch
from PIL import Image

import genbench
from genbench.spec.benchmark import resolve_data_root

COUNTS = (5000, 50000)
FIXED_THRESHOLD = {"MALLOC_MMAP_THRESHOLD_": str(2**20)}
MEASURE = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, "
    "stdout=subprocess.DEVNULL); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, default=Path("/tmp/genbench-eval-memory"))
    args = parser.parse_args()
    digits = _mnist_digits(max(COUNTS))
    folders = {
        count: _png_folder(args.folder / f"mnist-{count}", digits[:count]) for count in COUNTS
    }
    _eval(folders[COUNTS[0]])  # trains or loads the LeNet once, unmeasured
    columns = ["peak, glibc as it comes", "peak, mmap threshold 1 MiB", "the images as float32"]
    print(f"| images per set | {' | '.join(columns)} |")
    print("|---:|---:|---:|---:|")
    for count, folder in folders.items():
        default, fixed = (_peak_mb(folder, extra) for extra in ({}, FIXED_THRESHOLD))
        images_mb = count * 28 * 28 * 4 / 2**20
        print(f"| {count:,} | {default:,.0f} MB | {fixed:,.0f} MB | {images_mb:,.0f} MB |")


def _peak_mb(folder: Path, extra_env: dict[str, str]) -> float:
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, *_eval_command(folder)],
        check=True, capture_output=True, text=True, env={**os.environ, **extra_env},
    )  # fmt: skip
    return int(done.stdout.split()[-1]) / 1024


def _mnist_digits(count: int) -> np.ndarray:
    dataset = genbench.get("dataset", "mnist")
    params = genbench.resolve_params(dataset.params, {}, "dataset 'mnist'")
    request = genbench.DatasetRequest(params, torch.device("cpu"), resolve_data_root(None))
    train = dataset.load(request).train[:count]
    return train.add(1).mul(127.5).round().clamp(0, 255).byte().squeeze(1).numpy()


def _png_folder(folder: Path, digits: np.ndarray) -> Path:
    if folder.is_dir() and len(list(folder.glob("*.png"))) == len(digits):
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    for index, digit in enumerate(digits):
        Image.fromarray(digit).save(folder / f"{index:05d}.png")
    return folder


def _eval_command(folder: Path) -> list[str]:
    return ["genbench", "eval", "--real", str(folder), "--fake", str(folder),
            "--features", "lenet-mnist", "--metric", "fid", "--json"]  # fmt: skip


def _eval(folder: Path) -> None:
    subprocess.run(_eval_command(folder), check=True, stdout=subprocess.DEVNULL)


if __name__ == "__main__":
    main()
