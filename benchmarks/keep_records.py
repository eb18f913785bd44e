"""Copy what a result page's tables and figures are rebuilt from: each run's record and the
samples it was scored on (`record.json`, `preview.pt`) and the spec, not the checkpoints; and
of a search, its study, its best.toml and its trials' records.

Usage: python benchmarks/keep_records.py RESULTS_DIR DEST
(e.g. results/mnist_all docs/results/mnist/mnist_all); then `genbench report DEST` rebuilds
the table, the CSVs, the figures and the report page there, as the page's test does.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from genbench.api.layout import SearchFiles

KEPT = ("record.json", "preview.pt")


def keep(results_dir: Path, dest: Path) -> int:
    """Copies the kept files of every run; returns how many runs."""
    runs = 0
    for record in sorted(results_dir.glob("runs/*/*/record.json")):
        target = dest / record.parent.relative_to(results_dir)
        target.mkdir(parents=True, exist_ok=True)
        for name in KEPT:
            if (record.parent / name).exists():
                shutil.copy2(record.parent / name, target / name)
        runs += 1
    shutil.copy2(results_dir / "spec.toml", dest / "spec.toml")
    search = SearchFiles(results_dir)
    if search.study.exists():
        kept = SearchFiles(dest)
        kept.trials.mkdir(parents=True, exist_ok=True)
        shutil.copy2(search.study, kept.study)
        shutil.copy2(search.best_spec, kept.best_spec)
        for record in sorted(search.trials.glob("runs/*/*/record.json")):
            target = kept.trials / record.parent.relative_to(search.trials)
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy2(record, target / record.name)
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results_dir", type=Path)
    parser.add_argument("dest", type=Path)
    args = parser.parse_args()
    print(f"kept {keep(args.results_dir, args.dest)} runs in {args.dest}")


if __name__ == "__main__":
    main()
