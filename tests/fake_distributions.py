"""Third-party plugins as a user installs them, made in a test: a `dist-info` folder with the
`genbench` entry points and the plugin's modules, in a folder put on sys.path (the `site`
fixture of conftest.py)."""

from __future__ import annotations

from pathlib import Path


def install_fake_distribution(
    site: Path, dist: str, version: str, entry_points: dict[str, str], modules: dict[str, str]
) -> None:
    info = site / f"{dist.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n")
    lines = "".join(f"{name} = {target}\n" for name, target in entry_points.items())
    (info / "entry_points.txt").write_text(f"[genbench]\n{lines}")
    for module, source in modules.items():
        (site / f"{module}.py").write_text(source)
