"""Whether importing a plugin's module imports torch: then every `genbench --help` and
`genbench list` waits for torch (a second or more) because of that plugin, which lazy
registration avoids. Checked in a fresh interpreter, since this one has torch already, on
this one's import path."""

from __future__ import annotations

import os
import subprocess
import sys

PROBE = "import importlib, sys; importlib.import_module(sys.argv[1]); print('torch' in sys.modules)"
TIMEOUT_SECONDS = 120


def imports_torch(module: str) -> bool | None:
    """True or False, or None when the module cannot be imported on its own (the item checks
    then say why)."""
    try:
        done = subprocess.run(
            [sys.executable, "-c", PROBE, module],
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, sys.path))},
        )
    except subprocess.TimeoutExpired:
        return None
    answer = done.stdout.strip().splitlines()[-1:] if done.returncode == 0 else []
    return answer == ["True"] if answer else None
