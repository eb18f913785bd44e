"""The results folder a sweep or a report writes to, checked before anything runs, so a
wrong `--out` is one line instead of a traceback after training."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from genbench.errors import UserError


def check_writable_folder(folder: Path, option: str) -> None:
    """`folder` is, or can be made, a folder this process may write to (missing parents
    are created later); raises UserError naming `option` otherwise."""
    try:
        _check(folder, option)
    except OSError as exc:  # a name too long, a loop of links, ...
        raise UserError(f"{option} {folder}: cannot be used ({exc.strerror or exc})") from None


def _check(folder: Path, option: str) -> None:
    if folder.exists() and not folder.is_dir():
        raise UserError(f"{option} {folder}: is a file, not a folder; give a folder path")
    existing = folder
    while not existing.exists():
        if existing.parent == existing:
            break
        existing = existing.parent
    if existing.exists() and not existing.is_dir():
        raise UserError(f"{option} {folder}: {existing} is a file, not a folder")
    if not _can_write_in(existing):
        raise UserError(
            f"{option} {folder}: no permission to write in {existing}; give a folder you can "
            f"write to"
        )


def _can_write_in(folder: Path) -> bool:
    """Whether a file can be made in `folder`, found by making one: permission bits say
    nothing to root, and a read-only mount or /proc refuses whatever they say."""
    try:
        descriptor, name = tempfile.mkstemp(prefix=".genbench-probe-", dir=folder)
    except OSError:
        return False
    os.close(descriptor)
    os.unlink(name)
    return True
