"""Reading a spec file: TOML in, a validated `BenchmarkSpec` out.

Everything is checked before anything trains: unknown keys and names (with the closest valid
ones), types, budgets and plugin parameters. Errors name the file and the key path.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from genbench.errors import ParamError, SpecError, first_line
from genbench.registry import Registry
from genbench.spec.benchmark import BenchmarkSpec, Overrides
from genbench.spec.validate import SpecValidator

MAX_SPEC_BYTES = 1 << 20


def load_spec(
    path: str | Path, registry: Registry, overrides: Overrides | None = None
) -> BenchmarkSpec:
    """Read and validate a spec file; raises SpecError naming the file and key path."""
    path = Path(path)
    try:
        raw = tomllib.loads(_read_text(path))
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(path, "", f"invalid TOML: {first_line(exc)}") from None
    if not raw:
        message = "holds no settings; a spec needs [benchmark] and [[entry]] (see examples/)"
        raise SpecError(path, "", message)
    try:
        return SpecValidator(path, registry).validate(raw, overrides or Overrides())
    except ParamError as exc:
        raise SpecError(path, exc.key, exc.reason) from None


def _read_text(path: Path) -> str:
    """The spec's text, or a SpecError saying why it cannot be a spec (a size check comes
    first, so a huge file is neither read whole nor echoed into a message)."""
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise SpecError(path, "", "is a directory, not a spec file; name a .toml file")
        if size > MAX_SPEC_BYTES:
            size_text = f"{size / 2**20:.1f} MiB"
            message = f"is {size_text}; a spec is a few KB of TOML: is it the right file?"
            raise SpecError(path, "", message)
        data = path.read_bytes()
    except FileNotFoundError:
        raise SpecError(path, "", "no such file") from None
    except OSError as exc:
        raise SpecError(path, "", f"cannot read it ({exc.strerror or exc})") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        where = f"byte {data[exc.start]:#04x} at offset {exc.start}"
        message = f"is not UTF-8 text ({where}); save it as UTF-8"
        raise SpecError(path, "", message) from None
