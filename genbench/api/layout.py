"""Where a benchmark's files lie: the one path scheme that the runner writes, the reports read
and plugins (a logger that uploads a run's samples) may rely on.

    <out>/<benchmark>/             results folder: spec.toml, table.md, results.csv, figures
    <out>/<benchmark>/runs/<entry-folder>/seed-<n>/
                                   one run: record.json, checkpoint.pt, samples.png, preview.pt

`<entry-folder>` is the entry's name in kebab case (`entry_folders`). `genbench.load_generator`
rebuilds a run's generator from its folder; the README says what each file holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

RUNS_FOLDER = "runs"
SPEC_FILE = "spec.toml"
RECORD_FILE = "record.json"
CHECKPOINT_FILE = "checkpoint.pt"
SAMPLES_FILE = "samples.png"
PREVIEW_FILE = "preview.pt"


@dataclass(frozen=True)
class RunFiles:
    """The files of one run, in its folder."""

    folder: Path

    @property
    def record(self) -> Path:
        return self.folder / RECORD_FILE

    @property
    def checkpoint(self) -> Path:
        """The trained model's weights and optimiser states (`AdversarialModel.checkpoint`),
        with the steps trained and the training hash."""
        return self.folder / CHECKPOINT_FILE

    @property
    def samples(self) -> Path:
        """The run's picture of generated samples (a grid, or a scatter over the real data)."""
        return self.folder / SAMPLES_FILE

    @property
    def preview(self) -> Path:
        """The first of the samples the run was scored on, kept for the benchmark's overview
        figure (the whole set is drawn again by `genbench.load_generator`)."""
        return self.folder / PREVIEW_FILE


def runs_folder(results_dir: Path) -> Path:
    """The folder holding one sub-folder per entry, each one per seed."""
    return results_dir / RUNS_FOLDER


def run_folder(results_dir: Path, entry_folder: str, seed: int) -> Path:
    return runs_folder(results_dir) / entry_folder / f"seed-{seed}"


def record_paths(results_dir: Path) -> list[Path]:
    """Every run record under a results folder, sorted."""
    return sorted(runs_folder(results_dir).glob(f"*/*/{RECORD_FILE}"))


def entry_folders(entry_names: list[str]) -> dict[str, str]:
    """A folder name per entry: its name in kebab case, numbered where two would collide."""
    folders: dict[str, str] = {}
    for index, name in enumerate(entry_names):
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "entry"
        folders[name] = slug if slug not in folders.values() else f"{slug}-{index}"
    return folders
