"""Files a run or a plugin writes and reads back: atomically written, safely loaded.

Every file genbench writes goes through `write_atomic` (a temporary file and a rename), so a
crash or a kill never leaves half a file that a later run would trust. Tensors and state
dicts are saved with `save_torch` and read with `load_torch`, which never unpickles code
(`weights_only=True`) and turns a damaged file into one line naming it.
"""

from __future__ import annotations

import io
import os
import tempfile
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from genbench.errors import UserError, first_line

if TYPE_CHECKING:
    import torch

CACHE_ENV = "GENBENCH_CACHE_DIR"
_UMASK = os.umask(0o022)
os.umask(_UMASK)  # read once: mkstemp makes files 0600, results are shared like any file


class DamagedFileError(UserError):
    """A file genbench wrote earlier cannot be read back (truncated, garbage, not torch's)."""


def cache_dir() -> Path:
    """Where trained feature extractors, downloaded weights and reference features are kept
    (`$GENBENCH_CACHE_DIR`, else ~/.cache/genbench)."""
    return Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "genbench")


def write_atomic(path: Path, data: bytes) -> None:
    """Write via a temporary file and a rename, so a crash never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(temporary, 0o666 & ~_UMASK)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def save_torch(obj: Any, path: Path) -> None:
    """`torch.save` of tensors and state dicts, written atomically."""
    import torch

    buffer = io.BytesIO()
    torch.save(obj, buffer)
    write_atomic(path, buffer.getvalue())


def load_torch(path: Path | io.BytesIO, map_location: str | torch.device = "cpu") -> Any:
    """What `save_torch` wrote; never runs pickled code, and a damaged file is one line."""
    import torch

    try:
        with warnings.catch_warnings():  # torch warns about the pickles it then refuses
            warnings.simplefilter("ignore")
            return torch.load(path, map_location=map_location, weights_only=True)
    except FileNotFoundError:
        raise
    except Exception as exc:
        name = path if isinstance(path, Path) else "in-memory file"
        reason = first_line(exc)
        if "weights_only" in str(exc) or "Unsupported global" in str(exc):
            reason = "it holds Python objects other than tensors, which are never unpickled"
        raise DamagedFileError(f"{name}: damaged or not a genbench file ({reason})") from None
