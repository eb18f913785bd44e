"""`--executor ray`: runs as Ray tasks on a local Ray give the local executor's rows, keep the
`init_from` order, and a worker killed mid-run is a `failed` row in a finished sweep."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator

import pytest

from tests.executor_sweeps import SPEC, records_of, run_cli, same_rows
from tests.tiny_specs import entry, tiny_spec

ray = pytest.importorskip("ray", reason="the ray executor's tests need `pip install ray`")
psutil = pytest.importorskip("psutil")

# A small local Ray: two CPUs, a 100 MB object store, no dashboard.
RAY = "\n[executor]\nlocal_cpus = 2\nobject_store_mb = 100\n"


@pytest.fixture(autouse=True)
def ray_shut_down(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("RAY_ADDRESS", raising=False)
    yield
    if ray.is_initialized():
        ray.shutdown()


def test_ray_gives_the_rows_of_the_local_executor_and_keeps_init_from_order(write_spec, tmp_path):
    code, output = run_cli(write_spec(SPEC, "local.toml"), tmp_path / "local")
    assert code == 0, output
    code, output = run_cli(write_spec(SPEC + RAY), tmp_path / "ray", "--executor", "ray")
    assert code == 0, output
    on_ray = records_of(tmp_path / "ray")
    same_rows(records_of(tmp_path / "local"), on_ray)
    for seed in (0, 1):
        assert on_ray[("GAN", seed)]["finished_at"] <= on_ray[("PR", seed)]["started_at"]
    assert not ray.is_initialized()  # the Ray it started for the sweep is shut down


KILL_SPEC = tiny_spec(
    entry("A", "gan"), entry("B", "gan"), benchmark={"name": "kill", "budget": "8s"}
)


def kill_first_run_task(killed: list[int], stop: threading.Event) -> None:
    """SIGKILL the first Ray worker seen doing a run (its process title names the task)."""
    while not stop.is_set():
        for process in psutil.process_iter(["pid", "cmdline"]):
            if "ray::run_ray_task" in " ".join(process.info["cmdline"] or ()):
                time.sleep(1.0)  # into the run, not at its very start
                os.kill(process.info["pid"], signal.SIGKILL)
                killed.append(process.info["pid"])
                return
        time.sleep(0.1)


def test_a_ray_worker_killed_mid_run_is_a_failed_row_and_the_sweep_finishes(write_spec, tmp_path):
    spec = write_spec(KILL_SPEC + RAY)
    killed: list[int] = []
    stop = threading.Event()
    killer = threading.Thread(target=kill_first_run_task, args=(killed, stop), daemon=True)
    killer.start()
    try:
        code, output = run_cli(spec, tmp_path / "out", "--executor", "ray")
    finally:
        stop.set()
        killer.join()
    assert killed, "no Ray worker was seen doing a run"
    assert code == 1, output  # the sweep finished and said a run failed
    records = records_of(tmp_path / "out")
    statuses = sorted(record["status"] for record in records.values())
    assert statuses == ["failed", "ok"], statuses
    failed = next(r for r in records.values() if r["status"] == "failed")
    assert failed["error"]["message"], failed["error"]
    assert failed["dataset"]["name"] == "ring-8" and failed["config_hash"]
    assert (tmp_path / "out" / "kill" / "table.md").exists()  # the sweep was tabulated
