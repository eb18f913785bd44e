"""A run's model, built fresh by its family, or, for an entry that starts from another
(`init_from`), with that entry's trained model (same seed) rebuilt from its checkpoint, prior
included, so a fine-tuning family takes over exactly what was evaluated."""

from __future__ import annotations

import torch

from genbench.api.adversarial import AdversarialModel
from genbench.api.data import LoadedData
from genbench.api.executor import RunInfo
from genbench.api.layout import RunFiles
from genbench.api.model import BuildContext, InitSource
from genbench.api.record import RecordError
from genbench.api.storage import DamagedFileError, load_torch
from genbench.errors import UserError
from genbench.registry import Registry
from genbench.spec.benchmark import BenchmarkSpec, EntrySpec
from genbench.sweep.records import read_record, trained_already


class RunModels:
    """Builds the models of one sweep's runs on its prepared data and device."""

    def __init__(
        self,
        spec: BenchmarkSpec,
        registry: Registry,
        runs: list[RunInfo],
        data: LoadedData,
        device: torch.device,
    ) -> None:
        self.entries = {entry.name: entry for entry in spec.entries}
        self.registry = registry
        self.runs = runs
        self.data = data
        self.device = device
        self.class_frequencies = data.class_frequencies()

    def build(self, run: RunInfo) -> AdversarialModel:
        entry = self.entries[run.entry]
        family = self.registry.get("model", entry.model)
        init = None
        if entry.init_from is not None:
            parent = self._run_of(entry.init_from, run.seed)
            parent_model = self.entries[parent.entry].model
            init = InitSource(parent.entry, parent_model, lambda: self.load_trained(parent))
        model: AdversarialModel = family.build(self._context(entry, init))
        return model

    def _context(self, entry: EntrySpec, init: InitSource | None = None) -> BuildContext:
        return BuildContext(
            entry.params,
            self.data.sample_shape,
            self.device,
            self.registry,
            init,
            self.class_frequencies,
        )

    def check_builds(self) -> None:
        """Build every entry's model once (not kept, the random generators left as they
        were), so that a setting its family or network refuses (`UserError`: a shape,
        conditional = true on data without labels) stops the sweep before anything trains,
        naming the entry; any other failure is left to the entry's runs, which record it. An
        entry that starts from another is built only with that entry's trained model."""
        for entry in self.entries.values():
            if entry.init_from is not None:
                continue
            devices = [self.device] if self.device.type == "cuda" else []
            with torch.random.fork_rng(devices=devices):
                try:
                    self.registry.get("model", entry.model).build(self._context(entry))
                except UserError as exc:
                    raise UserError(f"entry {entry.name!r}: {exc}") from None
                except Exception:  # a crash, not a refusal: its runs fail, the sweep goes on
                    continue

    def load_trained(self, run: RunInfo) -> AdversarialModel:
        """The trained model of `run`, rebuilt from its checkpoint, for an entry that starts
        from it; a run that did not finish training is this run's failure, said plainly."""
        try:
            record = read_record(run.run_dir)
        except RecordError:
            record = None
        path = RunFiles(run.run_dir).checkpoint
        source = f"{run.entry!r} seed {run.seed}"
        if record is None or not trained_already(record, run.training_hash) or not path.exists():
            raise UserError(f"{source} has no trained checkpoint to start from")
        if record.status != "ok":
            raise UserError(f"{source} {record.status}; cannot start from it")
        model = self.build(run)
        try:
            model.load_checkpoint(load_torch(path, map_location=self.device))
        except DamagedFileError as exc:
            raise UserError(f"{exc}; retrain {source} with `genbench run --force`") from None
        return model

    def _run_of(self, entry: str, seed: int) -> RunInfo:
        return next(run for run in self.runs if run.entry == entry and run.seed == seed)


def training_labels(model: AdversarialModel, data: LoadedData) -> torch.Tensor | None:
    """What `train` gets as the data's labels: its training labels for a conditional model
    (the held sample's, for a stream), none for an unconditional one."""
    return data.train_labels if model.labels is not None else None
