"""Pre-emption on Slurm: a job that Slurm stops (pre-empted, or at its time limit) is put back
in the queue with the same run, which starts again from the state it last saved
(`[benchmark] checkpoint_every`) instead of from step 0.

submitit calls `checkpoint` when the job is signalled and requeues what it returns; a
`Checkpointable` returns the call itself. Imported only when the slurm executor runs, as it
needs submitit.
"""

from __future__ import annotations

import submitit

from genbench.api import RunRecord
from genbench.api.executor import RunTask, TaskRunner

from .slurm_executor import run_slurm_task


class RequeuedRun(submitit.helpers.Checkpointable):
    """`run_slurm_task` as a job submitit requeues when Slurm stops it."""

    def __call__(self, run_task: TaskRunner, task: RunTask, cpus: int) -> RunRecord:
        return run_slurm_task(run_task, task, cpus)
