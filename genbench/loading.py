"""A trained generator loaded back from its run folder (`genbench.load_generator`), to check a
number or draw more samples without opening the files blind.

The run's record says how to rebuild the model: its family and resolved parameters, the data's
sample shape, and for a fine-tuning entry (`init_from`) the entry it started from, whose run
(same seed, a sibling folder) is rebuilt first, exactly as the sweep did. The family builds the
model fresh and the checkpoint's weights (prior and weight average included) replace its own.

The samples a run was scored on are not kept, only their first few (`preview.pt`): drawing
with the run's seed and evaluation batch size gives them again, on the device they were drawn on.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from genbench.api.data import DatasetRequest, LoadedData
from genbench.api.layout import RunFiles, record_paths, runs_folder
from genbench.api.model import BuildContext, InitSource
from genbench.api.record import RunRecord
from genbench.api.storage import load_torch
from genbench.devices import resolve_device
from genbench.errors import UserError, first_line
from genbench.registry import Registry, current
from genbench.spec.benchmark import resolve_data_root
from genbench.sweep.records import read_record, read_record_or_none

if TYPE_CHECKING:
    import torch

    from genbench.api.adversarial import AdversarialModel


@dataclass(frozen=True)
class TrainedGenerator:
    """A run's trained model (in eval mode, its checkpoint loaded) and its record."""

    model: AdversarialModel
    record: RunRecord

    def sample(self, n: int, seed: int | None = None) -> torch.Tensor:
        """`n` samples drawn as the run's evaluation drew them (its batch size, the weight
        average where the model keeps one); with `seed`, seeded as the evaluation was."""
        from genbench.sweep.sampling import draw_samples

        batch_size = self.record.config["evaluation"]["batch_size"]
        return draw_samples(self.model, n, batch_size, seed)

    def evaluated_real(self) -> torch.Tensor:
        """The real samples the run was scored against (`genbench.eval.evaluator.Reference`),
        from the dataset loaded again."""
        from genbench.eval.evaluator import Reference

        device = next(self.model.parameters()).device
        data = _dataset(self.record, device, current())
        if data.fingerprint() != self.record.dataset.fingerprint:
            raise UserError(
                f"dataset {self.record.dataset.name!r} loaded here is not the data the run "
                f"trained on (fingerprint {data.fingerprint()}, the record's "
                f"{self.record.dataset.fingerprint}); point GENBENCH_DATA_ROOT at the same files"
            )
        return Reference.recorded(self.record.features.reference, self.record.eval_samples).draw(
            data
        )

    def evaluated_samples(self) -> torch.Tensor:
        """The very samples the run's metrics were computed on (when loaded on the device the
        run was evaluated on, `record.device`: other devices draw other random numbers)."""
        return self.sample(self.record.eval_samples, seed=self.record.seed)


def load_generator(
    run_dir: str | Path, *, device: str = "cpu", registry: Registry | None = None
) -> TrainedGenerator:
    """The trained generator of the run in `run_dir` (`<out>/<benchmark>/runs/<entry>/seed-<n>`)
    on `device` ("cpu", "cuda", "auto"...). A folder that holds no run, a run that did not
    finish as `ok` or lost its checkpoint raises `UserError`, one line saying how to mend it."""
    model, record = _load(Path(run_dir), resolve_device(device), registry or current())
    model.eval()
    return TrainedGenerator(model, record)


def _load(
    folder: Path, device: torch.device, registry: Registry
) -> tuple[AdversarialModel, RunRecord]:
    """The run's model as its family builds it, the run's checkpoint loaded into it."""
    record = _finished_record(folder)
    entry = record.config["entry"]
    init = None
    if "init_from" in record.config:
        init = _init_source(folder, record, device, registry)
    # A record written before the sample shape was kept: the dataset is loaded to learn it.
    shape = tuple(record.dataset.sample_shape) or _dataset(record, device, registry).sample_shape
    context = BuildContext(entry["params"], shape, device, registry, init, _classes(record))
    model: AdversarialModel = registry.get("model", entry["model"]).build(context)
    try:
        model.load_checkpoint(load_torch(RunFiles(folder).checkpoint, map_location=device))
    except (KeyError, RuntimeError, ValueError) as exc:
        raise UserError(
            f"{RunFiles(folder).checkpoint} does not fit the {entry['model']!r} model its family "
            f"builds now ({first_line(exc)}); was it trained with another version?"
        ) from None
    return model, record


def _classes(record: RunRecord) -> torch.Tensor | None:
    """Class frequencies of the recorded number for a conditional model to be built with; the
    checkpoint then replaces them with the data's own."""
    import torch

    classes = record.model.classes if record.model is not None else None
    return torch.full((classes,), 1.0 / classes) if classes else None


def _finished_record(folder: Path) -> RunRecord:
    """The run's record, refused (one line, with the mend) unless it finished `ok` with its
    checkpoint beside it."""
    record = read_record(folder) if folder.is_dir() else None
    if record is None:
        raise UserError(
            f"{folder} is not a run folder (no record.json); runs lie in "
            "<out>/<benchmark>/runs/<entry>/seed-<n>"
        )
    if record.status == "failed":
        reason = f" ({record.error.message})" if record.error else ""
        raise UserError(f"{folder}: the run failed{reason}; `genbench run SPEC` trains it again")
    if record.status != "ok":
        step = f" at step {record.diverged.step}" if record.diverged else ""
        raise UserError(
            f"{folder}: the run diverged{step} and was never evaluated; change the entry's "
            "settings and retrain it with `genbench run SPEC --force`"
        )
    if not RunFiles(folder).checkpoint.exists():
        raise UserError(
            f"{folder}: no checkpoint.pt beside the record; delete its record.json and "
            "`genbench run SPEC` trains it again"
        )
    return record


def _init_source(
    folder: Path, record: RunRecord, device: torch.device, registry: Registry
) -> InitSource:
    """The trained run a fine-tuning entry started from: its entry's run with the same seed,
    found among the records beside this one, rebuilt from its own checkpoint."""
    start = record.config["init_from"]["entry"]
    results_dir = folder.resolve().parents[2]
    runs = {path.parent: read_record_or_none(path.parent) for path in record_paths(results_dir)}
    found = [
        (parent, run)
        for parent, run in runs.items()
        if run is not None and run.entry == start and run.seed == record.seed
    ]
    if not found:
        raise UserError(
            f"{folder} fine-tunes {start!r} seed {record.seed}, whose run is not in "
            f"{runs_folder(results_dir)}; the model cannot be rebuilt without it"
        )
    parent, run = found[0]
    model = run.config["entry"]["model"]
    return InitSource(start, model, lambda: _load(parent, device, registry)[0])


def _dataset(record: RunRecord, device: torch.device, registry: Registry) -> LoadedData:
    """The dataset the run trained on, loaded again (from $GENBENCH_DATA_ROOT or the default
    data root)."""
    dataset = record.config["dataset"]
    request = DatasetRequest(dataset["params"], device, resolve_data_root(None))
    return registry.get("dataset", dataset["name"]).load(request)
