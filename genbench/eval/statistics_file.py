"""Reference statistics on disk, in pytorch-fid's format: an .npz of `mu` (D,) and `sigma`
(D, D), the format clean-fid's and most papers' published statistics share.

genbench adds one key, `genbench`: a JSON text saying how the statistics were made (the
extractor and what identifies it, its protocol, the split, the sample count). A file genbench
wrote is therefore checked against the evaluation that reads it and refused when they differ;
a file made elsewhere cannot be checked, and is used with a note that says so.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from genbench.api.statistics import FeatureStatistics
from genbench.api.storage import write_atomic
from genbench.errors import UserError, first_line

META_KEY = "genbench"
PLACE_KEYS = ("cached", "cache_file", "weights", "weights_file")
"""Extractor `info` keys that say where or how this machine got the extractor, not what it
computes: two files whose extractors differ only in these match."""


@dataclass(frozen=True)
class StatisticsFile:
    """Statistics read from `path`; `made_by` is genbench's description, None for a file made
    elsewhere."""

    statistics: FeatureStatistics
    made_by: dict[str, Any] | None
    path: Path

    @property
    def description(self) -> str:
        count = self.statistics.count
        counted = f" of {count} samples" if count else ""
        return f"statistics{counted} in {self.statistics.dim} dimensions"


def extractor_identity(name: str, info: dict[str, Any]) -> dict[str, Any]:
    """What identifies an extractor's features: its name and `info` without PLACE_KEYS."""
    return {"name": name, **{k: v for k, v in info.items() if k not in PLACE_KEYS}}


def write_statistics(path: Path, statistics: FeatureStatistics, made_by: dict[str, Any]) -> None:
    """`mu` and `sigma` as float64, as pytorch-fid writes them, and genbench's description."""
    buffer = io.BytesIO()
    arrays = {
        "mu": statistics.mean.double().cpu().numpy(),
        "sigma": statistics.covariance.double().cpu().numpy(),
        META_KEY: np.array(json.dumps({**made_by, "count": statistics.count}, default=str)),
    }
    np.savez(buffer, allow_pickle=False, **arrays)
    write_atomic(path, buffer.getvalue())


def read_statistics(path: Path, option: str) -> StatisticsFile:
    """The statistics in `path`, or a UserError naming `option` and what is wrong."""
    where = f"{option} {path}"
    try:
        with np.load(path, allow_pickle=False) as arrays:
            contents = {key: arrays[key] for key in arrays.files}
    except FileNotFoundError:
        raise UserError(f"{where}: no such file") from None
    except (OSError, ValueError) as exc:
        raise UserError(f"{where}: not a NumPy .npz file ({first_line(exc)})") from None
    missing = [key for key in ("mu", "sigma") if key not in contents]
    if missing:
        found = ", ".join(contents) or "nothing"
        raise UserError(
            f"{where}: no {' or '.join(missing)} array (it holds {found}); reference "
            f"statistics are pytorch-fid's .npz with keys mu and sigma"
        )
    mean, covariance = contents["mu"], contents["sigma"]
    if mean.ndim != 1 or covariance.shape != (len(mean), len(mean)):
        raise UserError(
            f"{where}: mu has shape {mean.shape} and sigma {covariance.shape}; expected (D,) and "
            f"(D, D)"
        )
    if not (np.isfinite(mean).all() and np.isfinite(covariance).all()):
        raise UserError(f"{where}: holds NaN or infinite values")
    made_by = json.loads(str(contents[META_KEY])) if META_KEY in contents else None
    count = made_by.get("count") if made_by else None
    statistics = FeatureStatistics(
        torch.from_numpy(mean.astype(np.float64)),
        torch.from_numpy(covariance.astype(np.float64)),
        count,
    )
    return StatisticsFile(statistics, made_by, path)


def check_statistics(
    file: StatisticsFile, extractor: dict[str, Any] | None, dim: int
) -> str | None:
    """Refuse statistics that cannot be compared with features of `extractor` (an
    `extractor_identity`; None for features given as such) in `dim` dimensions; a note when
    that cannot be known."""
    if file.statistics.dim != dim:
        made = f"{extractor['name']} features have" if extractor else "the generated features have"
        raise UserError(
            f"--real-stats {file.path}: statistics of dimension {file.statistics.dim}, but "
            f"{made} {dim}; use statistics made with the same extractor"
        )
    if file.made_by is None:
        return (
            f"{file.path} was not made by genbench: whether its extractor, resize, split and "
            f"sample count are this evaluation's cannot be checked; FIDs compare only if they are"
        )
    theirs = file.made_by.get("extractor", {})
    if extractor is not None and theirs != extractor:
        differing = sorted(k for k in {*theirs, *extractor} if theirs.get(k) != extractor.get(k))
        raise UserError(
            f"--real-stats {file.path}: made with another extractor ({', '.join(differing)} "
            f"differ: {', '.join(f'{k}={theirs.get(k)!r}' for k in differing)}); make them "
            f"again with `genbench stats` or pass the same --features/--protocol/--weights"
        )
    return None
