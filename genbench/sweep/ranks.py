"""Several processes for each run: `torchrun --nproc-per-node N -m genbench run SPEC` trains
every run of the sweep data-parallel on N ranks (`genbench.engine.parallel`: N GPUs, or CPU
processes with gloo).

The first rank runs the sweep as one process would, with the same records, tables and files;
it alone evaluates and writes. Every other rank follows it (`follow`): it makes the same plan
from the same records, loads the same data, and trains the same runs in the same order, with
the same seeds, writing nothing. After each run's training the ranks meet once more, when the
first has saved the run's checkpoint, so an entry that starts from another (`init_from`) reads
a checkpoint that is there. The ranks agree on when a run stops (a time budget, a pruning
rule, a non-finite loss), so no rank waits for a step the others will not take.
"""

from __future__ import annotations

import os
from pathlib import Path

import torch
import torch.distributed as dist

from genbench.engine.loop import train
from genbench.engine.parallel import DataParallel
from genbench.errors import UserError
from genbench.registry import Registry
from genbench.spec.benchmark import BenchmarkSpec
from genbench.sweep.options import SweepOptions
from genbench.sweep.plan import make_plan
from genbench.sweep.preparation import load_data
from genbench.sweep.records import reusable_training
from genbench.sweep.run_models import RunModels
from genbench.sweep.sampling import seed_everything


def launched(spec: BenchmarkSpec, device: torch.device) -> DataParallel | None:
    """This process's rank when torchrun started several (WORLD_SIZE > 1), its process group
    joined (NCCL on a GPU, gloo on the CPU); None when it runs alone. The spec is checked
    first: a sweep of several ranks runs its runs one after another, in this process."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world <= 1:
        return None
    check_spec(spec, world)
    if not dist.is_initialized():
        dist.init_process_group("nccl" if device.type == "cuda" else "gloo")
    return DataParallel(dist.get_rank(), world, device)


def check_spec(spec: BenchmarkSpec, world: int) -> None:
    """What several ranks cannot do, refused before anything loads."""
    if spec.executor != "local" or spec.executor_params.get("jobs") not in (None, 1):
        raise UserError(
            f"torchrun started {world} ranks, which train each run together, one run after "
            f"another: use the local executor with jobs = 1, not {spec.executor!r}"
        )
    if spec.search is not None:
        raise UserError(
            "a [search] runs its trials in one process; run it without torchrun, then the "
            "best settings' spec with it"
        )
    for entry in spec.entries:
        batch = entry.params.get("batch_size")
        if isinstance(batch, int) and batch % world:
            raise UserError(
                f"entry {entry.name!r}: batch_size {batch} does not split over {world} ranks; "
                f"use a multiple of {world}"
            )


def follow(
    spec: BenchmarkSpec,
    registry: Registry,
    out: Path,
    options: SweepOptions,
    parallel: DataParallel,
) -> None:
    """A rank after the first: train what the first rank trains, in its order, writing
    nothing (see the module's docstring)."""
    device = parallel.device
    plan = make_plan(spec, out, options.force, options.loggers)
    data = load_data(spec, registry, device)
    models = RunModels(spec, registry, plan.runs, data, device)
    for run in plan.todo:
        if reusable_training(run, options.force) is not None:
            continue  # the first rank evaluates it again without training
        seed_everything(run.seed)
        model = models.build(run)
        labels = data.train_labels if model.labels is not None else None
        train(model, data.train, spec.budget, parallel=parallel, labels=labels, stream=data.stream)
        dist.barrier()
