"""How fast the command line answers, against the cost of importing torch.

Each command runs as a fresh process, as a user would start it, interleaved with
`python -c "import torch"` in the same loop, so a busy machine slows both alike; the script
prints the median wall time of each and its ratio to torch's import. The goal of issue 10 is a
ratio of at most 0.3 (aim 0.15) for `--help`, `list` and `show`, and for a spec error.

    python benchmarks/bench_cli.py [--repeats 7]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GENBENCH = [sys.executable, "-m", "genbench"]
SHOWN_SPEC = REPO / "benchmarks" / "mnist_all.toml"
BAD_SPEC = '[benchmark]\ndataset = "mnist"\n[[entry]]\nname = "x"\nmodel = "gann"\n'


def commands(bad_spec: Path) -> dict[str, list[str]]:
    return {
        "import torch (reference)": [sys.executable, "-c", "import torch"],
        "genbench --help": [*GENBENCH, "--help"],
        "genbench list plugins": [*GENBENCH, "list", "plugins"],
        "genbench list models": [*GENBENCH, "list", "models"],
        "genbench show mnist_all.toml": [*GENBENCH, "show", str(SHOWN_SPEC)],
        "genbench run <bad spec>": [*GENBENCH, "run", str(bad_spec)],
    }


def wall_time(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=REPO, capture_output=True, check=False)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        bad_spec = Path(folder) / "bad.toml"
        bad_spec.write_text(BAD_SPEC)
        todo = commands(bad_spec)
        for command in todo.values():  # warm the file cache once
            wall_time(command)
        times: dict[str, list[float]] = {name: [] for name in todo}
        for _ in range(args.repeats):
            for name, command in todo.items():
                times[name].append(wall_time(command))
    reference = statistics.median(times["import torch (reference)"])
    print(f"{'command':32} {'median s':>9} {'ratio':>7}")
    for name, samples in times.items():
        median = statistics.median(samples)
        print(f"{name:32} {median:9.3f} {median / reference:7.2f}")
    worst = max(statistics.median(s) for n, s in times.items() if n.startswith("genbench"))
    print(f"worst genbench command / import torch: {worst / reference:.2f} (goal <= 0.30)")


if __name__ == "__main__":
    main()
