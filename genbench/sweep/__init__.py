"""Sweeps: a spec's entries x seeds planned (`plan`, pure), executed through an executor with
the hooks fired and nothing printed (`execute`), each run done here or in a worker process
(`one_run`, `worker`), its record kept on disk (`records`), the results folder locked."""
