"""`genbench eval`: metrics between two sets from disk, checked against direct metric calls."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from click.testing import CliRunner
from PIL import Image

from genbench.api import feature_statistics
from genbench.cli import cli
from genbench_metrics.fid import frechet_distance
from genbench_metrics.precision_recall import precision_recall

RNG = np.random.default_rng(0)
REAL_FEATURES = RNG.normal(size=(60, 5)).astype(np.float32)
FAKE_FEATURES = (RNG.normal(size=(50, 5)) + 0.3).astype(np.float32)
REAL_PIXELS = RNG.integers(0, 256, size=(30, 1, 6, 6), dtype=np.uint8)
FAKE_PIXELS = RNG.integers(0, 200, size=(30, 1, 6, 6), dtype=np.uint8)


def _eval(*args: str) -> dict[str, float]:
    result = CliRunner().invoke(cli, ["eval", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _expected(real: torch.Tensor, fake: torch.Tensor, k: int = 3) -> dict[str, float]:
    real, fake = real.reshape(len(real), -1).double(), fake.reshape(len(fake), -1).double()
    precision, recall = precision_recall(real.float(), fake.float(), k)
    fid = frechet_distance(feature_statistics(real), feature_statistics(fake))
    return {"fid": fid, "precision": precision, "recall": recall}


def _assert_matches(values: dict[str, float], expected: dict[str, float]) -> None:
    assert set(values) == set(expected)
    for key, value in expected.items():
        assert values[key] == pytest.approx(value, rel=1e-5, abs=1e-6), key


def _save_folder(folder: Path, pixels: np.ndarray) -> Path:
    folder.mkdir()
    for index, image in enumerate(pixels):
        Image.fromarray(image[0]).save(folder / f"{index:03d}.png")
    return folder


def test_npy_features_give_the_metrics_values(tmp_path: Path) -> None:
    np.save(tmp_path / "real.npy", REAL_FEATURES)
    np.save(tmp_path / "fake.npy", FAKE_FEATURES)
    values = _eval("--real", str(tmp_path / "real.npy"), "--fake", str(tmp_path / "fake.npy"))
    real, fake = torch.from_numpy(REAL_FEATURES), torch.from_numpy(FAKE_FEATURES)
    _assert_matches(values, _expected(real, fake))


def test_k_reaches_the_metrics_that_take_it(tmp_path: Path) -> None:
    np.save(tmp_path / "real.npy", REAL_FEATURES)
    np.save(tmp_path / "fake.npy", FAKE_FEATURES)
    paths = ("--real", str(tmp_path / "real.npy"), "--fake", str(tmp_path / "fake.npy"))
    values = _eval(*paths, "--metric", "precision-recall", "--k", "7")
    real, fake = torch.from_numpy(REAL_FEATURES), torch.from_numpy(FAKE_FEATURES)
    expected = _expected(real, fake, k=7)
    _assert_matches(values, {"precision": expected["precision"], "recall": expected["recall"]})


def test_pt_images_are_read_by_their_value_range(tmp_path: Path) -> None:
    """uint8 real pixels and [0, 1] float fakes meet in [-1, 1], so identity features of the
    same picture agree whichever way it was stored."""
    torch.save(torch.from_numpy(REAL_PIXELS), tmp_path / "real.pt")
    torch.save(torch.from_numpy(FAKE_PIXELS).float() / 255, tmp_path / "fake.pt")
    values = _eval(
        "--real", str(tmp_path / "real.pt"), "--fake", str(tmp_path / "fake.pt"),
        "--features", "identity",
    )  # fmt: skip
    real = torch.from_numpy(REAL_PIXELS).float() / 127.5 - 1
    fake = torch.from_numpy(FAKE_PIXELS).float() / 127.5 - 1
    _assert_matches(values, _expected(real, fake))


def test_image_folders_give_the_same_values_as_their_tensors(tmp_path: Path) -> None:
    real = _save_folder(tmp_path / "real", REAL_PIXELS)
    fake = _save_folder(tmp_path / "fake", FAKE_PIXELS)
    torch.save(torch.from_numpy(FAKE_PIXELS).float() / 127.5 - 1, tmp_path / "fake.pt")
    from_folders = _eval("--real", str(real), "--fake", str(fake), "--features", "identity")
    mixed = _eval(
        "--real", str(real), "--fake", str(tmp_path / "fake.pt"), "--features", "identity"
    )
    expected = _expected(
        torch.from_numpy(REAL_PIXELS).float() / 127.5 - 1,
        torch.from_numpy(FAKE_PIXELS).float() / 127.5 - 1,
    )
    _assert_matches(from_folders, expected)
    _assert_matches(mixed, expected)


def test_without_json_a_table_names_the_sets_and_metrics(tmp_path: Path) -> None:
    np.save(tmp_path / "real.npy", REAL_FEATURES)
    np.save(tmp_path / "fake.npy", FAKE_FEATURES)
    args = ["eval", "--real", str(tmp_path / "real.npy"), "--fake", str(tmp_path / "fake.npy")]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "60 feature vectors of dimension 5" in result.output
    assert all(key in result.output for key in ("fid", "precision", "recall"))


def _bad_inputs(tmp: Path) -> dict[str, tuple[list[str], str]]:
    """Each bad-input class: the arguments and a phrase its one-line message must hold."""
    np.save(tmp / "features.npy", REAL_FEATURES)
    np.save(tmp / "features3.npy", REAL_FEATURES[:, :3])
    np.save(tmp / "cube.npy", np.zeros((4, 5, 6), np.float32))
    np.save(tmp / "empty.npy", np.zeros((0, 5), np.float32))
    np.save(tmp / "wide.npy", np.full((4, 1, 6, 6), 3.0, np.float32))
    torch.save(torch.from_numpy(REAL_PIXELS), tmp / "images.pt")
    torch.save(torch.zeros(30, 1, 8, 8, dtype=torch.uint8), tmp / "images8.pt")
    torch.save({"not": "a tensor"}, tmp / "dict.pt")
    (tmp / "garbage.npy").write_bytes(b"not an array")
    (tmp / "no-images").mkdir()
    broken = _save_folder(tmp / "broken", REAL_PIXELS[:2])
    (broken / "002.png").write_bytes(b"not a png")
    features, images = str(tmp / "features.npy"), str(tmp / "images.pt")
    return {
        "wrong-shape": (["--real", features, "--fake", str(tmp / "cube.npy")], "got shape"),
        "empty-set": (["--real", str(tmp / "empty.npy"), "--fake", features], "empty"),
        "feature-dims": (
            ["--real", features, "--fake", str(tmp / "features3.npy")],
            "feature dimensions differ",
        ),
        "image-shapes": (
            ["--real", images, "--fake", str(tmp / "images8.pt"), "--features", "identity"],
            "image shapes differ",
        ),
        "images-vs-features": (["--real", images, "--fake", features], "give both"),
        "missing-file": (["--real", str(tmp / "absent.npy"), "--fake", features], "no such"),
        "unreadable-file": (["--real", str(tmp / "garbage.npy"), "--fake", features], "cannot"),
        "not-a-tensor": (["--real", str(tmp / "dict.pt"), "--fake", features], "one tensor"),
        "unreadable-image": (
            ["--real", str(broken), "--fake", images, "--features", "identity"],
            "cannot read 002.png",
        ),
        "folder-without-images": (["--real", str(tmp / "no-images"), "--fake", images], "no PNG"),
        "float-range": (["--real", str(tmp / "wide.npy"), "--fake", images], "[-1, 1] or [0, 1]"),
        "features-with-image-extractor": (
            ["--real", features, "--fake", features, "--features", "inception"],
            "already features",
        ),
        "unknown-metric": (
            ["--real", features, "--fake", features, "--metric", "presicion-recall"],
            "did you mean 'precision-recall'",
        ),
        "k-without-a-metric-taking-it": (
            ["--real", features, "--fake", features, "--metric", "fid", "--k", "5"],
            "takes k",
        ),
        "weights-for-extractor-without-them": (
            ["--real", images, "--fake", images, "--features", "identity", "--weights", "w.pth"],
            "takes no weights",
        ),
    }


@pytest.mark.parametrize(
    "case",
    [
        "wrong-shape",
        "empty-set",
        "feature-dims",
        "image-shapes",
        "images-vs-features",
        "missing-file",
        "unreadable-file",
        "not-a-tensor",
        "unreadable-image",
        "folder-without-images",
        "float-range",
        "features-with-image-extractor",
        "unknown-metric",
        "k-without-a-metric-taking-it",
        "weights-for-extractor-without-them",
    ],
)
def test_bad_input_is_one_line_and_exit_code_2(tmp_path: Path, case: str) -> None:
    args, phrase = _bad_inputs(tmp_path)[case]
    result = CliRunner().invoke(cli, ["eval", *args])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert phrase in result.stderr
    assert "Traceback" not in result.output


def test_mode_coverage_of_points_reads_the_named_mixtures_modes():
    """Points drawn from ring-8 itself: all 8 modes covered, and the share within 3 sigma of
    its mode is that of a 2-D Gaussian, 1 - exp(-9/2) = 0.989."""
    import genbench

    data = genbench.get("dataset", "ring-8").load(
        genbench.DatasetRequest({"samples": 1000, "test_samples": 20000, "seed": 0},
                                torch.device("cpu"), Path("."))
    )  # fmt: skip
    values = genbench.evaluate(data.train, data.test, metrics=["mode-coverage"], dataset="ring-8")
    assert values["modes"] == 8
    assert values["high_quality"] == pytest.approx(1 - np.exp(-4.5), abs=0.003)
    assert values["reverse_kl"] < 0.01


def test_a_dataset_whose_samples_are_not_the_sets_points_is_refused_on_one_line(tmp_path):
    np.save(tmp_path / "real.npy", REAL_FEATURES)
    np.save(tmp_path / "fake.npy", FAKE_FEATURES)
    args = ["--real", str(tmp_path / "real.npy"), "--fake", str(tmp_path / "fake.npy")]
    result = CliRunner().invoke(cli, ["eval", *args, "--dataset", "ring-8"])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "error: dataset 'ring-8' holds samples of shape (2,), but the sets hold (5,); name the "
        "dataset the real set was drawn from, or leave dataset out"
    ]
