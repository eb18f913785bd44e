"""Before and while a sweep trains: the trial of its metrics (preflight), and its progress bar,
where reused runs count as done from the start and the time left is estimated from the budget
before any run is measured."""

from __future__ import annotations

from genbench.sweep.runner import Sweep
from rich.console import Console

from genbench.spec.benchmark import Overrides
from genbench.spec.load import load_spec

SPEC = """
[benchmark]
name = "toy"
dataset = "ring-8"
budget = "{budget}"
seeds = [0]
device = "cpu"

[dataset]
samples = 500

[evaluation]
samples = 100
metrics = ["precision-recall"]

[[entry]]
name = "GAN"
model = "gan"
"""


def watched_sweep(spec, registry, out, seeds: str) -> tuple[Sweep, list[tuple[float, float, str]]]:
    """A sweep that notes the bar's (completed, total, info) as each run starts."""
    sweep = Sweep(
        load_spec(spec, registry, Overrides(seeds=seeds)), registry, out, console=Console(file=None)
    )
    seen: list[tuple[float, float, str]] = []
    work = sweep.work

    def noting(run):
        task = sweep._progress.tasks[0]
        seen.append((task.completed, task.total, task.fields["info"]))
        return work(run)

    sweep.work = noting
    return sweep, seen


def test_reused_runs_count_as_done_and_the_eta_comes_from_the_budget(
    registry, write_spec, tmp_path
):
    spec, out = write_spec(SPEC.format(budget="1s")), tmp_path / "out"
    Sweep(load_spec(spec, registry), registry, out, console=Console(file=None)).execute()
    sweep, seen = watched_sweep(spec, registry, out, "0-2")
    result = sweep.execute()
    assert (result.trained, result.skipped) == (2, 1)
    assert seen[0] == (1, 3, "ETA ~2s")  # two runs left of one second each, none measured yet
    assert seen[1][:2] == (2, 3) and seen[1][2].startswith("ETA ~")


def test_preflight_accepts_a_k_that_fits_the_real_samples_but_not_its_small_split(
    registry, write_spec, tmp_path
):
    """The trial before training splits at most 256 samples a side; k = 300 is valid for 600
    samples a side and must not be refused because of the trial's size."""
    text = SPEC.format(budget="5 steps").replace("samples = 100", "samples = 600")
    text = text.replace("samples = 500", "samples = 2000")
    text += "\n[evaluation.params.precision-recall]\nk = 300\n"
    sweep = Sweep(
        load_spec(write_spec(text), registry), registry, tmp_path, console=Console(file=None)
    )
    prepared = sweep.prepare()
    assert prepared.evaluator.samples == 600


def test_a_run_under_a_flop_budget_moves_its_bar_by_the_flops_spent(registry, write_spec, tmp_path):
    spec = load_spec(write_spec(SPEC.format(budget="5 GFLOP")), registry)
    sweep = Sweep(spec, registry, tmp_path / "out", console=Console(file=None))
    completed: list[float] = []
    work = sweep.work

    def noting(run):
        progress = sweep._progress
        update, sweep_bar = progress.update, progress.tasks[0].id

        def recording(task, **fields):
            if task != sweep_bar and "completed" in fields:
                completed.append(fields["completed"])
            update(task, **fields)

        progress.update = recording
        return work(run)

    sweep.work = noting
    sweep.execute()
    assert len(completed) >= 3
    assert completed == sorted(completed) and completed[0] > 0 and completed[-1] == 1.0
