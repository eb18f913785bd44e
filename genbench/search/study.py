"""The search's Optuna studies: one per entry, in one SQLite file in the results folder.

Only the process that runs the search opens it (trials run through the executors and never
touch it), so SQLite's single writer is enough. A study remembers the setting it searched
(`fingerprint`): a folder whose study searched another space, metric, sampler or benchmark is
refused rather than mixed. The sampler is made anew for each trial, seeded by the search's
seed and the trial's index among the trials that ran (a trial asked by a search killed before
it was written down is dropped and takes no index), so a resumed search draws what an
uninterrupted one would have,
and entries with the same space get the same random and quasi-random points.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import optuna

from genbench.errors import UserError
from genbench.spec.benchmark import BenchmarkSpec, EntrySpec, config_hash
from genbench.spec.searching import SearchSpec

FINGERPRINT = "genbench_fingerprint"
METRIC = "genbench_metric"  # the metric column searched
VALUES = "genbench_values"  # the values a trial ran with, by path (JSON)
INDEX = "genbench_index"  # its place among the entry's trials that ran: name, seed, sampler
BOUNDS = "genbench_prune"  # the prune bounds it was given, as its entry's `prune` table

optuna.logging.set_verbosity(optuna.logging.WARNING)


def open_studies(spec: BenchmarkSpec, path: Path) -> dict[str, optuna.Study]:
    """Each entry's study, created or found in the storage at `path`."""
    assert spec.search is not None
    path.parent.mkdir(parents=True, exist_ok=True)
    storage = optuna.storages.RDBStorage(f"sqlite:///{path.resolve()}")
    direction = (
        optuna.study.StudyDirection.MAXIMIZE
        if spec.search.higher_is_better
        else optuna.study.StudyDirection.MINIMIZE
    )
    studies = {}
    for entry in spec.entries:
        study = optuna.create_study(
            storage=storage, study_name=entry.name, direction=direction, load_if_exists=True
        )
        expected = fingerprint(spec, entry)
        found = study.user_attrs.get(FINGERPRINT)
        if found is None and not study.trials:
            study.set_user_attr(FINGERPRINT, expected)
            study.set_user_attr(METRIC, spec.search.metric)
        elif found != expected:
            raise UserError(
                f"{path}: holds a search of {entry.name!r} over another space or setting; "
                f"delete {path.parent} to start anew, or give another --out"
            )
        studies[entry.name] = study
    return studies


def fingerprint(spec: BenchmarkSpec, entry: EntrySpec) -> str:
    """What a trial's value depends on, besides its searched values and seed."""
    search = spec.search
    assert search is not None
    setting = {
        "run": {k: v for k, v in spec.run_config(entry, 0).items() if k not in ("seed",)},
        "space": [vars(d) for d in search.spaces[entry.name]],
        "metric": search.metric,
        "sampler": search.sampler,
        "seed": search.seed,
        "prune": [search.prune, search.prune_after],
    }
    return config_hash(setting)


def sampler_for(search: SearchSpec, index: int) -> optuna.samplers.BaseSampler:
    """The sampler that draws trial `index`."""
    seed = search.seed * 1_000_003 + index
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        if search.sampler == "random":
            return optuna.samplers.RandomSampler(seed=seed)
        if search.sampler == "quasi-random":
            # The sequence's position comes from the study, so one seed serves every trial.
            return optuna.samplers.QMCSampler(seed=search.seed, warn_independent_sampling=False)
        return optuna.samplers.TPESampler(seed=seed)


def ask(study: optuna.Study, search: SearchSpec, index: int) -> optuna.Trial:
    """A new trial of `study`, the entry's trial `index`, drawn by its own sampler."""
    study.sampler = sampler_for(search, index)
    trial = study.ask()
    trial.set_user_attr(INDEX, index)
    return trial


def unfinished(study: optuna.Study) -> list[optuna.trial.FrozenTrial]:
    """Trials asked and never told: a stopped search runs them as asked."""
    return study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.RUNNING,))


def told(study: optuna.Study) -> list[optuna.trial.FrozenTrial]:
    finished = (
        optuna.trial.TrialState.COMPLETE,
        optuna.trial.TrialState.PRUNED,
        optuna.trial.TrialState.FAIL,
    )
    return study.get_trials(deepcopy=False, states=finished)


def searched_metric(path: Path) -> tuple[str, bool, dict[str, tuple[str, ...]]] | None:
    """The metric column a stored search optimised, whether higher was better, and each
    entry's searched parameters; None if `path` holds no study."""
    if not path.exists():
        return None
    storage = f"sqlite:///{path.resolve()}"
    found = None
    spaces = {}
    for summary in optuna.get_all_study_summaries(storage):
        if METRIC in summary.user_attrs:
            higher = summary.direction == optuna.study.StudyDirection.MAXIMIZE
            found = summary.user_attrs[METRIC], higher
        study = optuna.load_study(study_name=summary.study_name, storage=storage)
        spaces[summary.study_name] = tuple(
            dict.fromkeys(key for trial in study.trials for key in trial.params)
        )
    return None if found is None else (*found, spaces)
