"""Where a benchmark's files lie: the one path scheme that the runner writes, the reports read
and plugins (a logger that uploads a run's samples) may rely on.

    <out>/<benchmark>/             results folder: spec.toml, table.md, results.csv, figures
    <out>/<benchmark>/runs/<entry-folder>/seed-<n>/
                                   one run: record.json, checkpoint.pt, samples.png, preview.pt
    <out>/<benchmark>/search/      a `[search]`'s study.db (Optuna), best.toml (the chosen
                                   settings as a spec) and trials/ (the trials' results folder,
                                   laid out as above, one entry `<entry> #<n>` per trial)

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
RESUME_FILE = "resume.pt"
SAMPLES_FILE = "samples.png"
PREVIEW_FILE = "preview.pt"
SEARCH_FOLDER = "search"
TRIAL_MARK = " #"  # a trial's entry name: "<entry> #<trial number>"


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
    def resume(self) -> Path:
        """A run's state mid-training (`[benchmark] checkpoint_every`): the model's, the
        engine's (`genbench.engine.resume`) and the timeline's, with the training hash; a
        killed run starts again from it, and it is removed once the run has trained."""
        return self.folder / RESUME_FILE

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


@dataclass(frozen=True)
class SearchFiles:
    """The files of a benchmark's search, in its results folder."""

    results_dir: Path

    @property
    def folder(self) -> Path:
        return self.results_dir / SEARCH_FOLDER

    @property
    def study(self) -> Path:
        """Optuna's SQLite storage: every trial asked, its settings and its value."""
        return self.folder / "study.db"

    @property
    def round_spec(self) -> Path:
        """The spec of the trials being run (rewritten every round)."""
        return self.folder / "round.toml"

    @property
    def best_spec(self) -> Path:
        """The benchmark with each entry on its best trial's settings: a spec anyone can run."""
        return self.folder / "best.toml"

    @property
    def trials_name(self) -> str:
        """The benchmark name of the trials, whose results folder is `trials`."""
        return "trials"

    @property
    def trials(self) -> Path:
        """The trials' results folder (one run per trial)."""
        return self.folder / self.trials_name


def trial_entry_name(entry: str, number: int) -> str:
    return f"{entry}{TRIAL_MARK}{number}"


def searched_entry(trial_entry: str) -> tuple[str, int]:
    """The entry and trial number a trial's entry name was made from."""
    entry, number = trial_entry.rsplit(TRIAL_MARK, 1)
    return entry, int(number)
