"""Safe file writing and reading for results, checkpoints and caches.

Every file genbench writes goes through a temporary file and a rename, so a crash, a kill or
Ctrl-C never leaves half a file; every torch file is read with `weights_only=True`, so a
checkpoint that is a malicious pickle is refused, never executed. A file that cannot be read
raises `DamagedFileError`, one line naming it, which callers turn into "train it again".
"""

from __future__ import annotations

import io
import os
import tempfile
import warnings
from pathlib import Path
from typing import Any

from genbench.errors import UserError

TEMPORARY_SUFFIX = ".tmp"
_UMASK = os.umask(0o022)
os.umask(_UMASK)  # read once: mkstemp makes files 0600, results are shared like any file


class DamagedFileError(UserError):
    """A results or cache file exists but cannot be read (truncated, garbage, unsafe)."""


def write_atomic(path: Path, data: bytes) -> None:
    """Write via a temporary file and a rename, so a crash never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=TEMPORARY_SUFFIX
    )
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(temporary, 0o666 & ~_UMASK)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def save_torch(obj: Any, path: Path) -> None:
    """`torch.save` to `path`, atomically."""
    import torch

    buffer = io.BytesIO()
    torch.save(obj, buffer)
    write_atomic(path, buffer.getvalue())


def load_torch(path: Path, map_location: Any = "cpu", what: str = "checkpoint") -> Any:
    """`torch.load` with `weights_only=True`; a damaged or unsafe file is a DamagedFileError
    naming it (torch's own message is many lines and does not)."""
    import torch

    try:
        with warnings.catch_warnings():  # torch warns about the pickles it then refuses
            warnings.simplefilter("ignore")
            return torch.load(path, map_location=map_location, weights_only=True)
    except FileNotFoundError:
        raise
    except Exception as exc:  # the unpickler fails anywhere (EOFError, RuntimeError, ...)
        text = str(exc).strip()
        reason = text.splitlines()[0] if text else type(exc).__name__
        if "weights_only" in text or "Unsupported global" in text:
            reason = "it holds Python objects other than tensors, which are never unpickled"
        raise DamagedFileError(f"{path}: not a readable {what} ({reason[:200]})") from None
