"""One sweep per results folder: a lock that names its holder.

The lock is an OS file lock (`filelock`), so the kernel releases it when its process dies,
however it dies; a `holder` file beside it names the process for the message a second sweep
prints. A holder file found while the lock is free was left by a killed sweep: the lock is
taken over and the caller is told so.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from genbench.api.storage import write_atomic
from genbench.errors import UserError

LOCK_FILE = ".genbench.lock"
HOLDER_FILE = ".genbench.lock.holder"


class ResultsBusyError(UserError):
    """Another sweep is writing to the same results folder."""


@contextmanager
def results_lock(folder: Path) -> Iterator[str | None]:
    """Hold `folder`'s lock for the block; yields a note when a dead sweep's lock was taken
    over (else None). Raises ResultsBusyError naming the live holder."""
    folder.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(folder / LOCK_FILE), timeout=0)
    holder = folder / HOLDER_FILE
    try:
        lock.acquire()
    except Timeout:
        raise ResultsBusyError(
            f"{folder} is in use by {_describe(holder)}; wait for that sweep to end, or stop "
            f"it, or give another --out"
        ) from None
    try:
        stale = f"took over the lock of {_describe(holder)}, which ended without releasing it"
        note = stale if holder.exists() else None
        write_atomic(holder, json.dumps(_me()).encode())
        yield note
    finally:
        holder.unlink(missing_ok=True)
        lock.release()


def _me() -> dict[str, object]:
    return {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "command": " ".join(["genbench", *sys.argv[1:]]) if sys.argv else "genbench",
        "since": time.strftime("%Y-%m-%d %H:%M:%S", time.localtime()),
    }


def _describe(holder: Path) -> str:
    try:
        facts = json.loads(holder.read_text(encoding="utf-8"))
        return (
            f"process {facts['pid']} on {facts['host']} (`{facts['command']}`, "
            f"since {facts['since']})"
        )
    except (OSError, ValueError, KeyError, TypeError):
        return "another process (its holder file is unreadable)"
