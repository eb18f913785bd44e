"""Sweeps as processes: Ctrl-C, a second sweep on the same folder, and SIGKILL at any moment.
These run `genbench` in real subprocesses, because signals and locks are about processes."""

from __future__ import annotations

import json
import os
import random
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from genbench.api.record import RunRecord
from genbench.cli import cli
from tests.tiny_specs import entry, tiny_spec

REPO = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


def toy_spec(budget: str, seeds: list[int]) -> str:
    """Two entries, so a sweep has a run in flight after the first one finishes."""
    return tiny_spec(
        entry("GAN", "gan"),
        entry("GAN minimax", "gan", generator_loss="minimax"),
        benchmark={"name": "toy", "budget": budget, "seeds": seeds},
        evaluation={"metrics": ["precision-recall"]},
    )


def environment() -> dict[str, str]:
    paths = [str(REPO), str(REPO / "plugins"), os.environ.get("PYTHONPATH", "")]
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, paths)),
        "OMP_NUM_THREADS": "1",
    }


def start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "genbench", *args],
        env=environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def start_sweep(
    tmp_path: Path, budget: str, seeds: list[int], *options: str
) -> tuple[Path, Path, subprocess.Popen[str]]:
    """`genbench run` of `toy_spec(budget, seeds)` into tmp_path/out, as a process of its own."""
    spec = tmp_path / "toy.toml"
    spec.write_text(toy_spec(budget, seeds))
    out = tmp_path / "out"
    return spec, out, start("run", str(spec), "--out", str(out), *options)


def wait_for(condition, timeout: float, process: subprocess.Popen[str] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if process is not None and process.poll() is not None:
            pytest.fail(f"the process ended early:\n{process.communicate()[1]}")
        if time.monotonic() > deadline:
            pytest.fail("timed out")
        time.sleep(0.05)


def holds(out: Path, process: subprocess.Popen[str]) -> bool:
    """Whether `process` holds the results folder (it has started its sweep's writing)."""
    try:
        holder = json.loads((out / "toy" / ".genbench.lock.holder").read_text())
    except (OSError, ValueError):
        return False
    return holder.get("pid") == process.pid


def records(out: Path) -> list[Path]:
    return sorted(out.glob("toy/runs/*/*/record.json"))


def temporary_files(out: Path) -> list[Path]:
    return [p for p in out.rglob("*") if p.name.endswith(".tmp")]


def test_ctrl_c_keeps_finished_runs_and_prints_the_command_that_resumes(tmp_path):
    spec, out, process = start_sweep(tmp_path, "3s", [0])
    wait_for(lambda: len(records(out)) == 1, 240, process)
    time.sleep(1.0)  # into the second run, which trains for 3 s
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr + stdout
    (line,) = stderr.strip().splitlines()
    assert line.startswith(
        "interrupted: 1 run(s) finished and kept; dropped in flight: GAN minimax seed 0; "
        "resume with: genbench run "
    )
    assert not temporary_files(out) and len(records(out)) == 1
    command = shlex.split(line.split("resume with: ")[1])
    assert command == ["genbench", "run", str(spec), "--out", str(out)]
    resumed = subprocess.run(
        [sys.executable, "-m", *command], env=environment(), capture_output=True, text=True
    )
    assert resumed.returncode == 0, resumed.stderr
    assert "1 run(s) trained, 0 evaluated again from their checkpoints, 1 reused" in resumed.stdout


SLOW_CLEANUP = """
import time
from genbench.sweep.interrupt import two_stage_interrupts

with two_stage_interrupts():
    try:
        print("ready", flush=True)
        time.sleep(120)
    except KeyboardInterrupt:
        print("cleaning up", flush=True)
        time.sleep(120)
"""


def test_a_second_ctrl_c_stops_at_once():
    process = subprocess.Popen(
        [sys.executable, "-c", SLOW_CLEANUP],
        env=environment(),
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout.readline().strip() == "ready"
    process.send_signal(signal.SIGINT)
    assert process.stdout.readline().strip() == "cleaning up"
    started = time.monotonic()
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=30) == 130
    assert time.monotonic() - started < 10


def descendants(pid: int) -> set[int]:
    """Every process below `pid`, from /proc (Linux)."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_sigterm_stops_the_sweep_and_its_workers_runs_at_once_leaving_no_process(tmp_path):
    _, out, process = start_sweep(tmp_path, "60s", [0], "--jobs", "2")
    wait_for(lambda: holds(out, process), 240, process)
    wait_for(lambda: len(descendants(process.pid)) >= 3, 60, process)  # forkserver, 2 workers
    time.sleep(3.0)  # both runs are training now
    workers = descendants(process.pid)
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    stdout, stderr = process.communicate(timeout=60)
    assert time.monotonic() - started < 30, "the workers trained on after SIGTERM"
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr + stdout
    assert (
        stderr.strip()
        .splitlines()[-1]
        .startswith(
            "interrupted: 0 run(s) finished and kept; "
            "dropped in flight: GAN seed 0, GAN minimax seed 0;"
        )
    )
    wait_for(lambda: not any(alive(pid) for pid in workers), 15)
    assert not records(out) and not temporary_files(out)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_ctrl_c_counts_the_runs_worker_processes_kept_and_names_those_dropped(tmp_path):
    _, out, process = start_sweep(tmp_path, "3s", [0, 1], "--jobs", "2")
    wait_for(lambda: len(records(out)) == 2, 240, process)
    time.sleep(1.0)  # into the next two runs, which train for 3 s
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    line = stderr.strip().splitlines()[-1]
    assert line.startswith("interrupted: 2 run(s) finished and kept; dropped in flight: "), line
    dropped = line.split("dropped in flight: ")[1].split(";")[0].split(", ")
    assert sorted(dropped) == ["GAN minimax seed 0", "GAN minimax seed 1"], line
    assert len(records(out)) == 2 and not temporary_files(out)


def workers_of(pid: int) -> set[int]:
    """The worker processes of a sweep: below its forkserver, two levels down."""
    children = {child for child in descendants(pid) if parent_of(child) == pid}
    return {worker for child in children for worker in descendants(child)}


def parent_of(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except OSError:
        return None


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_a_jobs_worker_killed_mid_run_is_a_failed_row_and_the_sweep_finishes(tmp_path):
    _, out, process = start_sweep(tmp_path, "6s", [0], "--jobs", "2")
    wait_for(lambda: holds(out, process), 240, process)
    wait_for(lambda: len(workers_of(process.pid)) >= 2, 60, process)
    time.sleep(2.0)  # both runs are training now
    victim = min(workers_of(process.pid))
    os.kill(victim, signal.SIGKILL)
    _, stderr = process.communicate(timeout=240)
    assert process.returncode == 1, stderr  # the sweep finished and said a run failed
    assert "Traceback" not in stderr
    found = [RunRecord.from_dict(json.loads(path.read_text())) for path in records(out)]
    assert sorted(record.status for record in found) == ["failed", "ok"]
    (failed,) = [record for record in found if record.status == "failed"]
    assert failed.error is not None
    assert (
        failed.error.message == f"worker process {victim} died while training (killed by SIGKILL)"
    )
    assert (out / "toy" / "table.md").exists()  # the sweep was tabulated


HOLD_LOCK = """
import sys, time
from pathlib import Path
from genbench.sweep.lock import results_lock

with results_lock(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(120)
"""


def test_one_sweep_per_results_folder_and_a_dead_holder_is_taken_over(tmp_path):
    spec = tmp_path / "toy.toml"
    single = toy_spec("5 steps", [0]).split('[[entry]]\nname = "GAN minimax"')[0]
    spec.write_text(single)
    out = tmp_path / "out"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(out / "toy")],
        env=environment(),
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        busy = CliRunner().invoke(cli, ["run", str(spec), "--out", str(out)])
        assert busy.exit_code == 2, busy.output
        assert busy.output.count("\n") == 1 and "Traceback" not in busy.output
        assert f"{out / 'toy'} is in use by process {holder.pid} on " in busy.output
        assert not records(out)
    finally:
        holder.kill()
        holder.wait()
    resumed = CliRunner().invoke(cli, ["run", str(spec), "--out", str(out)])
    assert resumed.exit_code == 0, resumed.output
    assert f"took over the lock of process {holder.pid}" in resumed.output
    assert len(records(out)) == 1
    assert not (out / "toy" / ".genbench.lock.holder").exists()


def test_a_sweep_killed_at_random_moments_resumes_to_exactly_the_uninterrupted_runs(tmp_path):
    spec = tmp_path / "toy.toml"
    spec.write_text(toy_spec("20 steps", [0, 1]))
    out = tmp_path / "out"
    rng = random.Random()
    moments = []
    for _ in range(3):
        process = start("run", str(spec), "--out", str(out))
        # Once the sweep holds its folder it is training, evaluating or writing: kill it then.
        wait_for(lambda p=process: holds(out, p) or p.poll() is not None, 240)
        moments.append(round(rng.uniform(0.0, 2.0), 2))
        time.sleep(moments[-1])
        process.kill()
        process.communicate()
    final = subprocess.run(
        [sys.executable, "-m", "genbench", "run", str(spec), "--out", str(out)],
        env=environment(),
        capture_output=True,
        text=True,
    )
    assert final.returncode == 0, (moments, final.stderr)
    assert "Traceback" not in final.stdout + final.stderr
    expected = {(entry, seed) for entry in ("GAN", "GAN minimax") for seed in (0, 1)}
    found = [json.loads(path.read_text()) for path in records(out)]
    assert sorted((r["entry"], r["seed"]) for r in found) == sorted(expected), moments
    assert all(r["status"] == "ok" for r in found)
    runs = pd.read_csv(out / "toy" / "runs.csv")
    assert sorted(zip(runs["model"], runs["seed"], strict=True)) == sorted(expected)
    assert not temporary_files(out), moments


def test_report_refuses_a_folder_a_sweep_is_writing(tmp_path):
    folder = tmp_path / "out" / "toy"
    record = folder / "runs" / "gan" / "seed-0" / "record.json"
    record.parent.mkdir(parents=True)
    facts = {"config": {}, "config_hash": "0" * 16, "dataset": {"name": "ring-8"}}
    record.write_text(
        RunRecord.from_dict(
            {"benchmark": "toy", "entry": "GAN", "seed": 0, "status": "ok", **facts}
            | {"features": {"name": "identity"}, "run_dir": "gan/seed-0"}
        ).to_json()
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(folder)],
        env=environment(),
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        result = CliRunner().invoke(cli, ["report", str(folder)])
    finally:
        holder.kill()
        holder.wait()
    assert result.exit_code == 2, result.output
    assert f"is in use by process {holder.pid}" in result.output
