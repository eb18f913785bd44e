"""Several processes for each run, data-parallel (`genbench.engine.parallel`: N GPUs, or CPU
processes with gloo), started two ways:

- `torchrun --nproc-per-node N -m genbench run SPEC`: the whole sweep on N ranks. The first
  rank runs the sweep as one process would, with the same records, tables and files; it alone
  evaluates and writes. Every other rank follows it (`follow`): it makes the same plan from the
  same records, loads the same data and trains the same runs in the same order, with the same
  seeds, writing nothing.
- the `slurm` executor with `tasks = N`: each run a job of N tasks (one GPU each), whose first
  task does the run as a worker does and whose others follow that one run
  (`genbench.sweep.worker`).

After each run's training the ranks meet when the first has saved the run's checkpoint (so an
entry that starts from another, `init_from`, reads a checkpoint that is there) and again when
it has written the record. The ranks agree on when a run stops (a time budget, a pruning rule,
a non-finite loss), so no rank waits for a step the others will not take.
"""

from __future__ import annotations

from pathlib import Path

import torch
import torch.distributed as dist

from genbench.api.data import LoadedData
from genbench.api.executor import RunInfo
from genbench.devices import world_size
from genbench.engine.loop import train
from genbench.engine.parallel import DataParallel
from genbench.errors import UserError
from genbench.registry import Registry
from genbench.spec.benchmark import BenchmarkSpec
from genbench.spec.budget import Budget
from genbench.sweep.options import SweepOptions
from genbench.sweep.plan import make_plan
from genbench.sweep.preparation import load_data
from genbench.sweep.records import reusable_training
from genbench.sweep.run_models import RunModels, training_labels
from genbench.sweep.sampling import seed_everything


def join(device: torch.device) -> DataParallel:
    """This process's rank, its process group joined (NCCL on a GPU, gloo on the CPU) from
    the launcher's environment (MASTER_ADDR, MASTER_PORT, RANK, WORLD_SIZE)."""
    if not dist.is_initialized():
        dist.init_process_group("nccl" if device.type == "cuda" else "gloo")
    return DataParallel(dist.get_rank(), dist.get_world_size(), device)


def launched(spec: BenchmarkSpec, device: torch.device) -> DataParallel | None:
    """This process's rank when torchrun started several, None when it runs alone; the spec
    is checked first: a sweep of several ranks runs its runs one after another, here."""
    world = world_size()
    if world <= 1:
        return None
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
    check_batches(spec, world)
    return join(device)


def check_batches(spec: BenchmarkSpec, world: int) -> None:
    """Every entry's batch splits over the ranks."""
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
    """A rank after the first of a torchrun sweep: train what the first rank trains, in its
    order, writing nothing (see the module's docstring)."""
    plan = make_plan(spec, out, options.force, options.loggers)
    data = load_data(spec, registry, parallel.device)
    models = RunModels(spec, registry, plan.runs, data, parallel.device)
    for run in plan.todo:
        if reusable_training(run, options.force) is None:  # else only evaluated again
            follow_run(run, models, data, spec.budget, parallel)


def follow_run(
    run: RunInfo, models: RunModels, data: LoadedData, budget: Budget, parallel: DataParallel
) -> None:
    """Train `run` beside the first rank, then wait for it to save the checkpoint and to
    write the record (`run_written`)."""
    seed_everything(run.seed)
    model = models.build(run)
    labels = training_labels(model, data)
    train(model, data.train, budget, parallel=parallel, labels=labels, stream=data.stream)
    checkpoint_saved()
    run_written()


def checkpoint_saved() -> None:
    """Where the first rank has saved a trained run's checkpoint, every rank goes on."""
    dist.barrier()


def run_written() -> None:
    """Where the first rank has written a trained run's record, every rank goes on."""
    dist.barrier()
