"""The example packages of examples/, installed by pip into a folder of their own as a user's
`pip install` would, and the genbench command line run with them on the path."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO


def pip_install(package: Path, target: Path) -> Path:
    """`package` installed into `target` (no dependencies, no index); returns `target`."""
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--no-index", "--target", str(target), str(package)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return target


def genbench_with(
    site: Path, *args: str, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """`python -m genbench ARGS` with the installed examples in `site` and this checkout on
    the path, third-party plugins loaded."""
    paths = [str(site), str(REPO), str(REPO / "plugins"), os.environ.get("PYTHONPATH", "")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, paths))}
    env.pop("GENBENCH_DISABLE_PLUGIN_AUTOLOAD", None)
    return subprocess.run(
        [sys.executable, "-m", "genbench", *args], env=env, capture_output=True, text=True, cwd=cwd
    )
