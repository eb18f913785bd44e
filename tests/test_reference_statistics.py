"""Reference statistics (.npz, pytorch-fid's format) in `genbench eval`, `genbench.evaluate`
and `genbench stats`, and image folders read a batch at a time."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from click.testing import CliRunner
from PIL import Image

import genbench
from genbench.api import feature_statistics
from genbench.cli import cli
from genbench.eval import sets
from genbench_metrics.fid import frechet_distance

RNG = np.random.default_rng(3)
REAL = RNG.normal(size=(400, 6))
FAKE = RNG.normal(size=(300, 6)) * 1.3 + 0.2
PIXELS = RNG.integers(0, 256, size=(12, 1, 5, 5), dtype=np.uint8)


def _invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def _pytorch_fid_npz(path: Path, features: np.ndarray) -> Path:
    """Statistics as pytorch-fid's `save_fid_stats` writes them: np.cov is its covariance."""
    np.savez(path, mu=features.mean(axis=0), sigma=np.cov(features, rowvar=False))
    return path


def _fid(real: np.ndarray, fake: np.ndarray) -> float:
    return frechet_distance(
        feature_statistics(torch.from_numpy(real)), feature_statistics(torch.from_numpy(fake))
    )


def test_a_pytorch_fid_npz_gives_the_fid_of_the_features_it_came_from(tmp_path: Path) -> None:
    stats = _pytorch_fid_npz(tmp_path / "real.npz", REAL)
    np.save(tmp_path / "fake.npy", FAKE.astype(np.float32))
    code, out, err = _invoke(
        "eval", "--real-stats", str(stats), "--fake", str(tmp_path / "fake.npy"),
        "--metric", "fid", "--json",
    )  # fmt: skip
    assert code == 0, err
    expected = _fid(REAL, FAKE.astype(np.float32).astype(np.float64))
    assert json.loads(out)["fid"] == pytest.approx(expected, rel=1e-5)
    assert "not made by genbench" in err and len(err.strip().splitlines()) == 1
    with pytest.warns(UserWarning, match="not made by genbench"):
        values = genbench.evaluate(str(stats), FAKE.astype(np.float32), metrics=["fid"])
    assert values["fid"] == pytest.approx(expected, rel=1e-5)


def test_genbench_stats_round_trip_and_a_mismatched_extractor_is_refused(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    for index, image in enumerate(PIXELS):
        Image.fromarray(image[0]).save(real / f"{index:02d}.png")
    out = tmp_path / "stats.npz"
    code, stdout, err = _invoke("stats", str(out), "--set", str(real), "--features", "identity")
    assert code == 0, err
    assert "identity features of 12 images 1x5x5" in stdout
    with np.load(out) as saved:
        assert set(saved.files) == {"mu", "sigma", "genbench"}
        assert json.loads(str(saved["genbench"]))["count"] == 12
    fake = torch.from_numpy(PIXELS[::-1].copy()).float().div(127.5).sub(1) * 0.9
    torch.save(fake, tmp_path / "fake.pt")
    args = ["eval", "--real-stats", str(out), "--fake", str(tmp_path / "fake.pt"), "--json"]
    code, stdout, err = _invoke(*args, "--features", "identity", "--metric", "fid")
    assert code == 0 and err == "", err
    images = torch.from_numpy(PIXELS).float().div(127.5).sub(1).reshape(12, -1).double()
    expected = _fid(images.numpy(), fake.reshape(12, -1).double().numpy())
    assert json.loads(stdout)["fid"] == pytest.approx(expected, rel=1e-5)
    code, _, err = _invoke(*args, "--features", "lenet-mnist")
    assert code == 2 and "precision-recall" in err  # the default metrics need samples


def test_statistics_that_cannot_be_compared_are_refused_on_one_line(tmp_path: Path) -> None:
    stats = _pytorch_fid_npz(tmp_path / "real.npz", REAL)
    np.save(tmp_path / "fake3.npy", FAKE[:, :3].astype(np.float32))
    np.savez(tmp_path / "nomu.npz", sigma=np.eye(3))
    (tmp_path / "junk.npz").write_bytes(b"not an npz")
    fake = str(tmp_path / "fake3.npy")
    cases = {
        "dimension": (["--real-stats", str(stats), "--metric", "fid"], "dimension 6"),
        "keys": (["--real-stats", str(tmp_path / "nomu.npz"), "--metric", "fid"], "no mu"),
        "file": (["--real-stats", str(tmp_path / "junk.npz"), "--metric", "fid"], "not a NumPy"),
        "metric": (["--real-stats", str(stats)], "needs the real samples"),
        "both": (["--real-stats", str(stats), "--real", fake], "--real, or its statistics"),
    }
    for name, (args, phrase) in cases.items():
        code, _, err = _invoke("eval", *args, "--fake", fake)
        assert code == 2, name
        assert phrase in err and len(err.strip().splitlines()) == 1, (name, err)


def test_fid_infinity_takes_reference_statistics(tmp_path: Path) -> None:
    stats = _pytorch_fid_npz(tmp_path / "real.npz", REAL)
    with pytest.warns(UserWarning, match="not made by genbench"):
        values = genbench.evaluate(str(stats), FAKE.astype(np.float32), metrics=["fid-infinity"])
    assert np.isfinite(values["fid_infinity"])


def test_an_image_folder_is_read_one_batch_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "images"
    folder.mkdir()
    for index, image in enumerate(PIXELS):
        Image.fromarray(image[0]).save(folder / f"{index:02d}.png")
    read_sizes: list[int] = []
    load = sets.load_set

    def spying(path: Path, option: str) -> sets.SampleSet:
        loaded = load(path, option)

        def read(start: int, stop: int) -> torch.Tensor:
            read_sizes.append(stop - start)
            return loaded.read(start, stop)

        return sets.SampleSet(read, loaded.count, loaded.shape, False, loaded.description)

    monkeypatch.setattr(sets, "load_set", spying)
    values = genbench.evaluate(
        str(folder), str(folder), features="identity", metrics=["fid"], batch_size=5
    )
    assert values["fid"] == pytest.approx(0.0, abs=1e-6)
    assert read_sizes and max(read_sizes) <= 5
