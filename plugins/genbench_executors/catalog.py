"""What genbench_executors registers, described without importing Ray or submitit: each
executor's `run` is `lazy`, so the plugin loads (and `genbench list executors` shows both)
whether or not the optional extra is installed; a missing one is a one-line error on use."""

from __future__ import annotations

from genbench.api import Executor, Param, lazy

RAY_PARAMS = (
    Param(
        "address",
        None,
        "Ray cluster to join ('auto': the one `ray start` began here; 'ray://host:10001'); "
        "none: start a local Ray for the sweep; `--address` overrides it",
        type=str,
    ),
    Param("num_cpus", 1.0, "CPUs each run reserves (its torch threads)", minimum=0.0),
    Param(
        "num_gpus",
        0.0,
        "GPUs each run reserves; a fraction (e.g. 0.25) packs small runs onto one GPU",
        minimum=0.0,
    ),
    Param(
        "local_cpus",
        None,
        "CPUs of a local Ray started for the sweep; none: every core",
        type=int,
        minimum=1,
    ),
    Param("object_store_mb", 200, "object store of a local Ray, in MB", minimum=80),
    Param("retries", 0, "times Ray retries a run whose worker died; 0: a `failed` row", minimum=0),
)

SLURM_PARAMS = (
    Param(
        "cluster",
        "slurm",
        "submitit cluster: 'slurm', or 'local' (jobs as processes here, for tests)",
        choices=("slurm", "local"),
    ),
    Param("partition", None, "Slurm partition; none: the cluster's default", type=str),
    Param("time", 60, "time limit of each job, in minutes", minimum=1),
    Param("cpus", 1, "CPUs per job (its torch threads)", minimum=1),
    Param("gpus", 0, "GPUs per job", minimum=0),
    Param(
        "tasks",
        1,
        "tasks per job, each a data-parallel rank of its run (one GPU each: gpus = tasks)",
        minimum=1,
    ),
    Param("mem_gb", None, "memory per job in GB; none: the cluster's default", type=int, minimum=1),
    Param("folder", None, "folder for submitit's logs and pickles; none: RESULTS/slurm", type=str),
    Param("poll_seconds", 2.0, "seconds between looks at the queue", minimum=0.05),
)

RAY = Executor(
    "ray",
    "Each run a Ray task with its CPUs/GPUs, on a local Ray or a cluster "
    "(pip install 'genbench[ray]').",
    lazy("genbench_executors.ray_executor:run_on_ray"),
    RAY_PARAMS,
)

SLURM = Executor(
    "slurm",
    "Each run a Slurm job submitted with submitit (pip install 'genbench[slurm]').",
    lazy("genbench_executors.slurm_executor:run_on_slurm"),
    SLURM_PARAMS,
)
