"""Before and while a sweep trains: the trial of its metrics (preflight), and its progress bar,
where reused runs count as done from the start and the time left is estimated from the budget
before any run is measured."""

from __future__ import annotations

from rich.console import Console

from genbench.api.hookspecs import hookimpl
from genbench.default_plugins.terminal import TerminalReporter, reporting
from genbench.spec.benchmark import Overrides
from genbench.spec.load import load_spec
from genbench.sweep.execute import SweepOutcome, execute_sweep
from genbench.sweep.preparation import prepare
from tests.tiny_specs import entry, tiny_spec

SPEC = tiny_spec(
    entry("GAN", "gan"),
    benchmark={"name": "toy", "budget": "{budget}"},
    dataset={"samples": 500},
    evaluation={"samples": 100, "metrics": ["precision-recall"]},
)


class BarWatcher:
    """Notes the sweep bar's (completed, total, info) as each run starts, and each run's share
    of its budget as training logs it."""

    def __init__(self, reporter: TerminalReporter) -> None:
        self.reporter = reporter
        self.seen: list[tuple[float, float, str]] = []
        self.spent: list[float] = []

    @hookimpl
    def genbench_run_started(self, run) -> None:
        progress = self.reporter.progress
        task = progress.tasks[0]
        self.seen.append((task.completed, task.total, task.fields["info"]))

    @hookimpl
    def genbench_train_log(self, progress: float) -> None:
        self.spent.append(progress)


def watched_sweep(spec, registry, out) -> tuple[SweepOutcome, BarWatcher]:
    with reporting(registry, Console(file=None)) as reporter:
        watcher = BarWatcher(reporter)
        registry.pm.register(watcher, name="watcher")
        try:
            return execute_sweep(spec, registry, out), watcher
        finally:
            registry.pm.unregister(name="watcher")


def test_reused_runs_count_as_done_and_the_eta_comes_from_the_budget(
    registry, write_spec, tmp_path
):
    spec, out = write_spec(SPEC.format(budget="1s")), tmp_path / "out"
    execute_sweep(load_spec(spec, registry), registry, out)
    outcome, watcher = watched_sweep(
        load_spec(spec, registry, Overrides(seeds="0-2")), registry, out
    )
    assert (outcome.trained, outcome.reused) == (2, 1)
    seen = watcher.seen
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
    prepared = prepare(load_spec(write_spec(text), registry), registry)
    assert prepared.evaluator.samples == 600


def test_a_run_under_a_flop_budget_moves_its_bar_by_the_flops_spent(registry, write_spec, tmp_path):
    spec = load_spec(write_spec(SPEC.format(budget="5 GFLOP")), registry)
    _, watcher = watched_sweep(spec, registry, tmp_path / "out")
    spent = watcher.spent
    assert len(spent) >= 3
    assert spent == sorted(spent) and spent[0] > 0 and spent[-1] == 1.0


class EventRecorder:
    """Notes the sweep's and the runs' hooks, in order."""

    def __init__(self) -> None:
        self.events: list[str] = []

    @hookimpl
    def genbench_sweep_status(self, message: str) -> None:
        self.events.append(f"status {message}")

    @hookimpl
    def genbench_sweep_warning(self, message: str) -> None:
        self.events.append("warning " + message.split(": ", 1)[1].split(" (")[0])

    @hookimpl
    def genbench_sweep_started(self, sweep) -> None:
        self.events.append(f"started {sweep.runs} runs, {sweep.reused} reused")

    @hookimpl
    def genbench_run_started(self, run) -> None:
        self.events.append(f"run started {run.seed}")

    @hookimpl
    def genbench_train_log(self, run) -> None:
        if self.events[-1] != f"train log {run.seed}":
            self.events.append(f"train log {run.seed}")

    @hookimpl
    def genbench_run_finished(self, run, record) -> None:
        self.events.append(f"run finished {run.seed} {record.status}")

    @hookimpl
    def genbench_run_kept(self, run, record) -> None:
        self.events.append(f"run kept {run.seed} {record.status}")

    @hookimpl
    def genbench_sweep_finished(self, sweep) -> None:
        self.events.append("finished")


def test_the_sweep_prints_nothing_and_tells_its_observers_everything(
    registry, write_spec, tmp_path, capfd
):
    spec, out = write_spec(SPEC.format(budget="5 steps")), tmp_path / "out"
    execute_sweep(load_spec(spec, registry, Overrides(seeds="0")), registry, out)
    next(out.rglob("record.json")).write_text("{not json")  # seed 0's record is damaged now
    recorder = EventRecorder()
    registry.pm.register(recorder, name="recorder")
    execute_sweep(load_spec(spec, registry, Overrides(seeds="0-1")), registry, out)
    assert capfd.readouterr() == ("", "")
    assert recorder.events == [
        "status Loading dataset ring-8...",
        "status Preparing feature extractor identity...",
        "warning damaged record",
        "started 2 runs, 0 reused",
        "run started 0",
        "train log 0",
        "run finished 0 ok",
        "run kept 0 ok",
        "run started 1",
        "train log 1",
        "run finished 1 ok",
        "run kept 1 ok",
        "finished",
    ]
