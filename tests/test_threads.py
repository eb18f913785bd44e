"""Threads from the cores a process may use, and runs that did not get them flagged."""

from __future__ import annotations

import pytest
import torch

from genbench.api.record import RunRecord
from genbench.engine import threads
from genbench.engine.threads import CpuShare, cgroup_cpu_limit, plan_threads
from genbench.report.tables import CONTENDED_MARK, summarize


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


@pytest.mark.parametrize(
    ("files", "limit"),
    [
        ({"cpu.max": "150000 100000\n"}, 1.5),
        ({"cpu.max": "max 100000\n"}, None),
        ({"cpu/cpu.cfs_quota_us": "300000\n", "cpu/cpu.cfs_period_us": "100000\n"}, 3.0),
        ({"cpu/cpu.cfs_quota_us": "-1\n", "cpu/cpu.cfs_period_us": "100000\n"}, None),
        ({}, None),
    ],
)
def test_cgroup_quota_is_read_from_v2_and_v1_files(tmp_path, files, limit):
    for name, text in files.items():
        write(tmp_path / name, text)
    assert cgroup_cpu_limit(tmp_path) == limit


def test_available_cpus_is_capped_by_the_quota(monkeypatch):
    monkeypatch.setattr(threads, "cgroup_cpu_limit", lambda: 1.5)
    assert threads.available_cpus() == min(1.5, len(threads.os.sched_getaffinity(0)))


def test_threads_divide_the_cores_between_jobs_and_small_work_takes_one():
    assert plan_threads(8, jobs=1) == 8
    assert plan_threads(8, jobs=3) == 2
    assert plan_threads(2, jobs=4) == 1
    assert plan_threads(1.5, jobs=1) == 1
    assert plan_threads(8, jobs=1, work_macs=4e6) == 1
    assert plan_threads(8, jobs=1, work_macs=2e8) == 8


class FakeClocks:
    """perf_counter and process_time under the test's control."""

    def __init__(self, monkeypatch):
        self.wall = self.cpu = 0.0
        monkeypatch.setattr(threads.time, "perf_counter", lambda: self.wall)
        monkeypatch.setattr(threads.time, "process_time", lambda: self.cpu)

    def advance(self, wall, cpu):
        self.wall += wall
        self.cpu += cpu


def test_a_run_that_gets_its_threads_is_not_contended(monkeypatch):
    clocks = FakeClocks(monkeypatch)
    share = CpuShare(2)
    share.start()
    for _ in range(10):
        clocks.advance(0.2, 0.38)
        share.check()
    share.pause()
    assert share.threads == 2 and not share.fell_back
    assert share.share == pytest.approx(0.95)
    assert not share.contended


def test_a_starved_run_falls_back_to_one_thread_and_is_flagged(monkeypatch):
    clocks = FakeClocks(monkeypatch)
    previous = torch.get_num_threads()
    try:
        torch.set_num_threads(2)
        share = CpuShare(2)
        share.start()
        clocks.advance(0.6, 0.6)  # two threads, one core's worth of time
        share.check()
        assert share.threads == 1 and torch.get_num_threads() == 1
        clocks.advance(2.0, 2.0)
        share.pause()
    finally:
        torch.set_num_threads(previous)
    assert share.fell_back and share.contended
    assert share.cpu_seconds == pytest.approx(2.6) and share.wall_seconds == pytest.approx(2.6)


def test_a_single_thread_run_sharing_its_core_is_flagged_without_adapting(monkeypatch):
    clocks = FakeClocks(monkeypatch)
    share = CpuShare(1)
    share.start()
    clocks.advance(2.0, 0.5)
    share.check()
    share.pause()
    assert share.threads == 1 and not share.fell_back
    assert share.contended and share.share == pytest.approx(0.25)


def test_a_run_too_short_to_judge_is_not_flagged(monkeypatch):
    clocks = FakeClocks(monkeypatch)
    share = CpuShare(1)
    share.start()
    clocks.advance(0.3, 0.05)
    share.pause()
    assert share.share == pytest.approx(1 / 6) and not share.contended


def record(entry, seed, contended):
    return RunRecord.from_dict(
        {
            "benchmark": "toy",
            "entry": entry,
            "entry_index": 0 if entry == "A" else 1,
            "seed": seed,
            "status": "ok",
            "config": {"budget": "60s"},
            "config_hash": "h",
            "dataset": {"name": "ring-8", "source": "generated", "fallback": None},
            "features": {"name": "identity"},
            "metrics": {},
            "train": {
                "seconds": 60.0,
                "steps": 100,
                "samples_per_second": 1.0,
                "contended": contended,
            },
        }
    )


def test_table_marks_entries_with_a_contended_run_and_says_which_in_a_note():
    summary = summarize([record("A", 0, False), record("B", 0, True), record("B", 1, False)], "t")
    assert [row[0] for row in summary.rows] == ["A", f"B {CONTENDED_MARK}"]
    notes = [n for n in summary.notes if n.startswith(CONTENDED_MARK)]
    assert len(notes) == 1 and "B seed 0" in notes[0] and "B seed 1" not in notes[0]
    assert list(summary.runs["contended"]) == [False, True, False]
