"""Ctrl-C during a sweep: the first press stops it cleanly, a second one at once.

The first SIGINT raises KeyboardInterrupt as Python would, so the run in flight unwinds
(temporary files removed, no record written) and the command line says what was kept; while
that happens, a second SIGINT ends the process immediately with exit code 130.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

EXIT_INTERRUPTED = 130


@contextmanager
def two_stage_interrupts() -> Iterator[None]:
    """Within the block, the first Ctrl-C raises KeyboardInterrupt and the second exits."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def second(signum: int, frame: FrameType | None) -> None:
        os._exit(EXIT_INTERRUPTED)

    def first(signum: int, frame: FrameType | None) -> None:
        signal.signal(signal.SIGINT, second)
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, first)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
