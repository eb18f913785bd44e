"""Executing a search: rounds of trials through the sweep, then the best settings' sweep.

Each round asks every entry's study for its next trials (as many per entry as the runs that
fit at once, divided between the entries, at least one), so entries advance together and a
stopped search leaves them with the same number of trials, give or take one. A round's trials
are written as a spec (`round.toml`) and executed as any sweep is, through the spec's
executor, into the trials' results folder; their records are then told to the studies. The
search stops when every entry has its trials; each entry's best trial's settings are written
as `best.toml` and run with the benchmark's seeds into the benchmark's results folder.

Resuming needs nothing: a trial told is never run again, a trial asked and not told runs again
as it was asked (same settings, seed and bounds, so a record it left is reused), and records of
the best settings are reused as any sweep's are. Nothing here prints: progress goes to the
`genbench_search_progress` hook.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import optuna

from genbench.api.layout import SearchFiles, trial_entry_name
from genbench.api.record import RunRecord
from genbench.api.search import EntrySearch, SearchProgress
from genbench.engine.threads import available_cpus
from genbench.registry import Registry
from genbench.search.pruning import prune_bounds
from genbench.search.space import suggest
from genbench.search.specs import entry_table, trial_table, write_spec
from genbench.search.study import BOUNDS, INDEX, VALUES, ask, open_studies, told, unfinished
from genbench.spec.benchmark import BenchmarkSpec
from genbench.spec.load import load_spec
from genbench.spec.searching import SearchSpec
from genbench.sweep.execute import SweepOutcome, execute_sweep
from genbench.sweep.jobs import JobsRequest
from genbench.sweep.lock import results_lock
from genbench.sweep.options import SweepOptions, Tally
from genbench.sweep.records import trial_records

TrialState = optuna.trial.TrialState


@dataclass(frozen=True)
class Trial:
    """One trial as a round runs it: the entry's trial `index` (its name and seed), Optuna's
    trial `number` and id, the values and bounds it was given."""

    entry: str
    index: int
    number: int
    trial_id: int
    values: dict[str, Any]
    bounds: dict[str, Any] | None

    @property
    def name(self) -> str:
        return trial_entry_name(self.entry, self.index)


@dataclass(frozen=True)
class SearchOutcome:
    """What a search left: the trials run now (`trained`), the best settings as a spec, and
    the sweep of those settings with the benchmark's seeds."""

    trained: int
    best_spec: Path
    sweep: SweepOutcome


def execute_search(
    spec: BenchmarkSpec,
    registry: Registry,
    out: Path,
    options: SweepOptions | None = None,
    tally: Tally | None = None,
) -> SearchOutcome:
    """Run `spec`'s search, then its entries on their best settings; resumable."""
    assert spec.search is not None
    options = options or SweepOptions()
    files = SearchFiles(out / spec.name)
    # The written specs carry the command line's overrides, so workers get none.
    inner = SweepOptions(loggers=options.loggers, jobs=options.jobs)
    trained = 0
    with results_lock(files.folder) as takeover:
        if takeover:
            registry.hook.genbench_sweep_warning(message=takeover)
        studies = open_studies(spec, files.study)
        per_entry = _per_entry(spec, registry, options)
        started = time.perf_counter()
        while trials := _next_round(spec, studies, files, per_entry):
            write_spec(spec, files.trials_name, _tables(spec, trials), files.round_spec)
            round_spec = load_spec(files.round_spec, registry)
            outcome = execute_sweep(round_spec, registry, files.folder, inner, tally)
            records = {record.entry: record for record in outcome.records}
            for trial in trials:
                _tell(studies[trial.entry], trial, records.get(trial.name), spec.search)
            trained += len(trials)
            progress = _progress(spec, studies, trained, time.perf_counter() - started)
            registry.hook.genbench_search_progress(progress=progress)
    best = [entry_table(spec, e, best_values(studies[e.name])) for e in spec.entries]
    write_spec(spec, spec.name, best, files.best_spec)
    best_spec = load_spec(files.best_spec, registry)
    final = SweepOptions(options.force, options.loggers, options.jobs)
    return SearchOutcome(
        trained, files.best_spec, execute_sweep(best_spec, registry, out, final, tally)
    )


def execute_benchmark(
    spec: BenchmarkSpec,
    registry: Registry,
    out: Path,
    options: SweepOptions | None = None,
    tally: Tally | None = None,
) -> tuple[SweepOutcome, SearchOutcome | None]:
    """The one path from a spec to its records: its search first when it has one."""
    if spec.search is None:
        return execute_sweep(spec, registry, out, options, tally), None
    search = execute_search(spec, registry, out, options, tally)
    return search.sweep, search


def describe_search(spec: BenchmarkSpec, out: Path) -> str:
    """What a search would still do, from its storage alone (nothing is created)."""
    search = spec.search
    assert search is not None
    files = SearchFiles(out / spec.name)
    asked: dict[str, int] = {}
    if files.study.exists():
        storage = f"sqlite:///{files.study.resolve()}"
        for summary in optuna.get_all_study_summaries(storage):
            asked[summary.study_name] = summary.n_trials
    done = sum(min(search.trials, asked.get(entry.name, 0)) for entry in spec.entries)
    total = search.trials * len(spec.entries)
    return (
        f"search: {len(spec.entries)} entries x {search.trials} trials ({search.sampler}, "
        f"prune {search.prune}, {spec.budget} each), {done}/{total} asked so far; then each "
        f"entry's best settings with seeds {', '.join(map(str, spec.seeds))}"
    )


def best_values(study: optuna.Study) -> dict[str, Any]:
    """The values of the study's best finished trial; none (the entry's own settings) when no
    trial finished."""
    complete = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    if not complete:
        return {}
    return dict(study.best_trial.user_attrs[VALUES])


def counted(study: optuna.Study) -> list[optuna.trial.FrozenTrial]:
    """The trials told that ran (one asked by a search stopped before it was written down
    never did, and does not count)."""
    return [trial for trial in told(study) if VALUES in trial.user_attrs]


def _per_entry(spec: BenchmarkSpec, registry: Registry, options: SweepOptions) -> int:
    """Trials per entry in a round: the runs that fit at once, divided between the entries."""
    jobs = JobsRequest.of(spec, registry.get("executor", spec.executor), options.jobs)
    at_once = jobs.asked or (math.floor(available_cpus()) if jobs.auto else 1)
    return max(1, math.ceil(at_once / len(spec.entries)))


def _next_round(
    spec: BenchmarkSpec, studies: dict[str, optuna.Study], files: SearchFiles, per_entry: int
) -> list[Trial]:
    """The trials of the next round: those asked and never told first, then new ones."""
    search = spec.search
    assert search is not None
    finished = _finished_records(files)
    trials = []
    for entry in spec.entries:
        study = studies[entry.name]
        pending = []
        for frozen in unfinished(study):
            if VALUES in frozen.user_attrs:
                pending.append(
                    _trial(entry.name, frozen.number, frozen._trial_id, frozen.user_attrs)
                )
            else:  # asked by a search stopped at once: it never ran
                study.tell(frozen.number, state=TrialState.FAIL)
        ran = len(counted(study))
        room = search.trials - ran - len(pending)
        for _ in range(max(0, min(room, per_entry - len(pending)))):
            index = ran + len(pending)
            records = finished.get(entry.name, [])
            pending.append(_new_trial(search, entry.name, study, index, records))
        trials += pending
    return trials


def _new_trial(
    search: SearchSpec, entry: str, study: optuna.Study, index: int, finished: list[RunRecord]
) -> Trial:
    trial = ask(study, search, index)
    values = suggest(trial, search.spaces[entry])
    bounds = prune_bounds(search, finished)
    trial.set_user_attr(VALUES, values)
    trial.set_user_attr(BOUNDS, bounds.to_table() if bounds is not None else None)
    return _trial(entry, trial.number, trial._trial_id, trial.user_attrs)


def _trial(entry: str, number: int, trial_id: int, attrs: dict[str, Any]) -> Trial:
    return Trial(entry, attrs[INDEX], number, trial_id, dict(attrs[VALUES]), attrs.get(BOUNDS))


def _tables(spec: BenchmarkSpec, trials: list[Trial]) -> list[dict[str, Any]]:
    search = spec.search
    assert search is not None
    return [
        trial_table(
            spec,
            spec.entry(trial.entry),
            trial.values,
            trial.name,
            search.trial_seed(trial.index),
            trial.bounds,
        )
        for trial in trials
    ]


def _finished_records(files: SearchFiles) -> dict[str, list[RunRecord]]:
    """The trials' records that ran (completed or pruned), by the entry searched."""
    return {
        entry: [record for record in records if record.status in ("ok", "pruned")]
        for entry, records in trial_records(files.results_dir).items()
    }


def _tell(study: optuna.Study, trial: Trial, record: RunRecord | None, search: Any) -> None:
    """The trial's outcome to its study: its value, pruned (with the timeline it reached), or
    failed (a run that failed or diverged, or a value that is not a number)."""
    if record is not None and record.timeline is not None:
        reporter = optuna.Trial(study, trial.trial_id)
        reported = study._storage.get_trial(trial.trial_id).intermediate_values  # a resumed tell
        for step, value in zip(
            record.timeline.steps, record.timeline.values.get(search.metric, []), strict=False
        ):
            if value is not None and math.isfinite(value) and step not in reported:
                reporter.report(value, step)
    value = record.metrics.get(search.metric) if record is not None else None
    if record is not None and record.status == "ok" and value is not None and math.isfinite(value):
        study.tell(trial.number, value)
    elif record is not None and record.status == "pruned":
        study.tell(trial.number, state=TrialState.PRUNED)
    else:
        study.tell(trial.number, state=TrialState.FAIL)


def _progress(
    spec: BenchmarkSpec, studies: dict[str, optuna.Study], trained: int, seconds: float
) -> SearchProgress:
    search = spec.search
    assert search is not None
    entries = []
    for entry in spec.entries:
        done = counted(studies[entry.name])
        states = [trial.state for trial in done]
        complete = TrialState.COMPLETE in states
        entries.append(
            EntrySearch(
                entry.name,
                len(done),
                states.count(TrialState.PRUNED),
                states.count(TrialState.FAIL),
                studies[entry.name].best_value if complete else None,
            )
        )
    left = search.trials * len(spec.entries) - sum(e.done for e in entries)
    seconds_left = seconds / trained * left if trained else None
    return SearchProgress(spec.name, search.metric, search.trials, tuple(entries), seconds_left)
