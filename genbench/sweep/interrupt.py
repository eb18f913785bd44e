"""Ctrl-C during a sweep: the first press stops it cleanly, a second one at once.

The first SIGINT raises KeyboardInterrupt as Python would, so the run in flight unwinds
(temporary files removed, no record written) and the command line says what was kept; while
that happens, a second SIGINT ends the process immediately with exit code 130. SIGTERM (`kill`,
`timeout`, a batch scheduler) is the same request without a terminal and is treated alike.

Worker processes (`--jobs`) ignore both: a terminal's Ctrl-C reaches its whole process group,
a `kill` only the sweep, so the sweep alone decides and tells its workers, once, by SIGTERM;
a worker turns that into KeyboardInterrupt while a run is in flight (`stop_on_sigterm`), so
the run unwinds as it would in the sweep's own process, and never leaves an orphan training.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

EXIT_INTERRUPTED = 130
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def two_stage_interrupts() -> Iterator[None]:
    """Within the block, the first Ctrl-C or SIGTERM raises KeyboardInterrupt and the second
    exits."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def second(signum: int, frame: FrameType | None) -> None:
        os._exit(EXIT_INTERRUPTED)

    def first(signum: int, frame: FrameType | None) -> None:
        for stop in STOP_SIGNALS:
            signal.signal(stop, second)
        raise KeyboardInterrupt

    previous = {stop: signal.signal(stop, first) for stop in STOP_SIGNALS}
    try:
        yield
    finally:
        for stop, handler in previous.items():
            signal.signal(stop, handler)


def ignore_stop_signals() -> None:
    """In a worker process: leave the decision to stop to the sweep that owns it."""
    for stop in STOP_SIGNALS:
        signal.signal(stop, signal.SIG_IGN)


@contextmanager
def stop_on_sigterm() -> Iterator[None]:
    """In a worker process, while a run is in flight: the sweep's SIGTERM raises
    KeyboardInterrupt, so the run unwinds; outside the block the worker ignores it again."""

    def stop(signum: int, frame: FrameType | None) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
