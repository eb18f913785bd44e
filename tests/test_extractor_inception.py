"""The inception extractor: local or cached weights, no network in tests, exact uint8 input."""

from __future__ import annotations

import json
import urllib.error
from pathlib import Path
from typing import Any
from unittest import mock

import numpy as np
import pytest
import torch
from click.testing import CliRunner

import genbench
from genbench.cli import cli
from genbench.errors import SpecError, UserError
from genbench.spec.load import load_spec
from genbench_metrics import inception
from genbench_metrics.catalog import INCEPTION, INCEPTION_SCORE
from genbench_metrics.inception import to_uint8_rgb
from genbench_metrics.resize import clean_resize

CPU = torch.device("cpu")
GRAY = genbench.LoadedData(torch.rand(4, 1, 28, 28) * 2 - 1, "test")


def _build(
    weights: str | Path = "", data: genbench.LoadedData = GRAY, protocol: str = "legacy-tf"
) -> Any:
    params = {"weights": str(weights), "protocol": protocol}
    request = genbench.ExtractorRequest(params, data, CPU, Path("unused"))
    return INCEPTION.build(request)


@pytest.fixture(scope="module")
def extractor(inception_weights: Path) -> Any:
    with mock.patch.object(inception, "fetch", side_effect=AssertionError("network touched")):
        return _build(inception_weights)


@pytest.fixture(autouse=True)
def offline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty torch hub cache and a network that is down, in every test."""
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    unreachable = urllib.error.URLError("network unreachable (simulated)")
    monkeypatch.setattr(inception, "fetch", mock.Mock(side_effect=unreachable))


def test_local_weights_give_deterministic_2048_d_features(
    extractor: Any, inception_weights: Path
) -> None:
    images = GRAY.train[:2]
    features = extractor(images)
    assert features.shape == (2, 2048) and features.dtype == torch.float32
    assert not features.requires_grad
    assert torch.allclose(extractor(images[1:]), features[1:], rtol=1e-4, atol=1e-9)
    info = extractor.info
    assert info["weights"] == "local file" and info["weights_file"] == str(inception_weights)
    assert info["feature_dim"] == 2048 and len(info["weights_sha256"]) == 16
    assert inception.fetch.call_count == 0


class RecordingNetwork(torch.nn.Module):
    """Stands in for InceptionV3 to show what the extractor feeds it."""

    def __init__(self) -> None:
        super().__init__()
        self.scale = torch.nn.Parameter(torch.ones(()))
        self.inputs: list[torch.Tensor] = []

    def forward(self, pixels: torch.Tensor) -> tuple[torch.Tensor]:
        self.inputs.append(pixels)
        return (pixels.float().mean(dim=(2, 3)) * self.scale,)


def test_grayscale_reaches_the_network_as_uint8_with_three_identical_channels() -> None:
    network = RecordingNetwork()
    extractor = inception.InceptionFeatures(network, {}, "legacy-tf")
    gray = GRAY.train[:3]
    extractor(gray)
    (pixels,) = network.inputs
    assert pixels.shape == (3, 3, 28, 28) and pixels.dtype == torch.uint8
    assert torch.equal(pixels[:, 0], pixels[:, 1]) and torch.equal(pixels[:, 0], pixels[:, 2])
    assert torch.equal(pixels, to_uint8_rgb(gray.expand(-1, 3, -1, -1)))


def test_large_batches_are_fed_in_bounded_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(inception, "FORWARD_BATCH", 2)
    network = RecordingNetwork()
    features = inception.InceptionFeatures(network, {}, "legacy-tf")(GRAY.train)
    assert [len(chunk) for chunk in network.inputs] == [2, 2] and features.shape == (4, 3)


def test_conversion_to_uint8_inverts_the_datasets_normalisation_exactly() -> None:
    original = torch.arange(256, dtype=torch.uint8).view(1, 1, 16, 16)
    normalised = original.float().div(127.5).sub(1)
    assert torch.equal(to_uint8_rgb(normalised)[:, :1], original)
    assert to_uint8_rgb(torch.tensor([-1.5, 1.5]).view(1, 1, 1, 2)).tolist() == [[[[0, 255]]] * 3]


def test_offline_without_weights_is_a_one_line_error_suggesting_lenet() -> None:
    with pytest.raises(UserError) as caught:
        _build()
    message = str(caught.value)
    assert "lenet-mnist" in message and "[evaluation] weights" in message
    assert "network unreachable" in message and "\n" not in message
    assert inception.fetch.call_count == 1


def test_release_weights_in_the_torch_hub_cache_are_used_without_download(
    inception_weights: Path, tmp_path: Path
) -> None:
    from torch_fidelity.feature_extractor_inceptionv3 import URL_INCEPTION_V3

    checkpoints = tmp_path / "torch" / "hub" / "checkpoints"
    checkpoints.mkdir(parents=True)
    (checkpoints / Path(URL_INCEPTION_V3).name).symlink_to(inception_weights)
    built = _build()
    assert built.info["weights"] == "torch-fidelity release"
    assert inception.fetch.call_count == 0


def test_point_datasets_are_rejected_before_loading_weights() -> None:
    with pytest.raises(UserError, match="identity"):
        _build(data=genbench.LoadedData(torch.randn(10, 2), "ring-8"))
    assert inception.fetch.call_count == 0


def test_missing_or_foreign_weights_files_are_user_errors(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="not found"):
        _build(tmp_path / "absent.pth")
    foreign = tmp_path / "lenet.pth"
    torch.save(torch.nn.Linear(2, 2).state_dict(), foreign)
    with pytest.raises(UserError, match="does not hold torch-fidelity's InceptionV3"):
        _build(foreign)
    text = tmp_path / "notes.pth"
    text.write_text("not weights")
    with pytest.raises(UserError, match="not a PyTorch weights file"):
        _build(text)


SPEC = """
[benchmark]
dataset = "mnist"
[evaluation]
features = "{features}"
{extra}
[[entry]]
name = "GAN"
model = "gan"
"""


def test_evaluation_weights_key_is_forwarded_to_the_extractor(registry, write_spec) -> None:
    spec = load_spec(
        write_spec(SPEC.format(features="inception", extra='weights = "w.pth"')), registry
    )
    assert spec.evaluation.feature_params == {"weights": "w.pth", "protocol": "legacy-tf"}
    params = '[evaluation.params.inception]\nweights = "v.pth"'
    spec = load_spec(write_spec(SPEC.format(features="inception", extra=params)), registry)
    assert spec.evaluation.feature_params == {"weights": "v.pth", "protocol": "legacy-tf"}


@pytest.mark.parametrize(
    ("features", "extra", "message"),
    [
        ("identity", 'weights = "w.pth"', "takes no weights file"),
        (
            "inception",
            'weights = "w.pth"\n[evaluation.params.inception]\nweights = "v.pth"',
            "given twice",
        ),
    ],
    ids=["extractor-without-weights", "given-twice"],
)
def test_evaluation_weights_errors_name_the_key(
    registry, write_spec, features: str, extra: str, message: str
) -> None:
    with pytest.raises(SpecError, match=message) as caught:
        load_spec(write_spec(SPEC.format(features=features, extra=extra)), registry)
    assert caught.value.key == "evaluation.weights"


def test_a_sweep_scores_with_inception_from_a_local_weights_file_and_says_so(
    inception_weights: Path, write_spec, tmp_path: Path
) -> None:
    """The comparison-with-papers path end to end, offline: a spec naming `inception` and a
    weights file trains, scores with that network and names the extractor under its table."""
    spec = f"""
[benchmark]
name = "papers"
dataset = "mnist"
budget = "3 steps"
device = "cpu"
[dataset]
limit = 64
[evaluation]
samples = 12
batch_size = 12
features = "inception"
weights = "{inception_weights}"
metrics = ["precision-recall"]
[[entry]]
name = "GAN"
model = "gan"
batch_size = 8
"""
    with mock.patch.object(inception, "fetch", side_effect=AssertionError("network touched")):
        result = CliRunner().invoke(cli, ["run", str(write_spec(spec)), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    record = json.loads(next(tmp_path.glob("papers/runs/*/*/record.json")).read_text())
    assert record["features"]["name"] == "inception" and record["status"] == "ok"
    info = record["features"]["info"]
    assert info["feature_dim"] == 2048 and info["weights"] == "local file"
    assert "features inception" in (tmp_path / "papers" / "table.md").read_text()


def test_clean_protocol_feeds_the_same_network_when_no_resize_is_needed(
    inception_weights: Path,
) -> None:
    # At 299 x 299 neither protocol resizes (PIL returns the image, TF1's bilinear samples
    # the pixels themselves), so the clean path, which hands the network its own input, must
    # give the legacy path's features; at 28 x 28 the resizes differ, and so do the features.
    legacy = _build(inception_weights)
    clean = _build(inception_weights, protocol="clean")
    assert clean.info["protocol"] == "clean" and legacy.info["protocol"] == "legacy-tf"
    full = torch.rand(2, 3, 299, 299) * 2 - 1
    assert _relative_difference(clean(full), legacy(full)) < 1e-4
    small = GRAY.train[:2]
    before = legacy(small)
    assert _relative_difference(clean(small), before) > 1e-2
    assert torch.equal(legacy(small), before)  # the hook is gone after a clean call


def _relative_difference(a: torch.Tensor, b: torch.Tensor) -> float:
    return float((a - b).norm() / b.norm())


def test_clean_resize_equals_clean_fids_own_resizer() -> None:
    from cleanfid.resize import build_resizer

    resizer = build_resizer("clean")
    generator = torch.Generator().manual_seed(0)
    for height, width in ((28, 28), (32, 32), (64, 48)):
        pixels = torch.randint(0, 256, (3, 3, height, width), generator=generator)
        pixels = pixels.to(torch.uint8)
        ours = clean_resize(pixels)
        for image, resized in zip(pixels.numpy(), ours.numpy(), strict=True):
            theirs = resizer(image.transpose(1, 2, 0))  # clean-fid resizes H x W x C
            assert theirs.dtype == resized.dtype == np.float32
            np.testing.assert_array_equal(resized, theirs.transpose(2, 0, 1))


def test_inception_score_equals_torch_fidelitys_on_the_same_weights(
    inception_weights: Path,
) -> None:
    import torch_fidelity

    generator = torch.Generator().manual_seed(1)
    pixels = torch.randint(0, 256, (12, 3, 32, 32), generator=generator).to(torch.uint8)
    theirs = torch_fidelity.calculate_metrics(
        input1=UInt8Images(pixels),
        isc=True,
        isc_splits=3,
        feature_extractor_weights_path=str(inception_weights),
        cuda=False,
        verbose=False,
        cache=False,
        save_cpu_ram=True,  # no DataLoader worker processes for 12 images
    )
    images = pixels.float().div(127.5).sub(1)
    inputs = genbench.MetricInputs(
        real_features=torch.empty(0, 1),
        fake_features=torch.empty(0, 1),
        real_samples=images,
        fake_samples=images,
        data=genbench.LoadedData(images, "test"),
    )
    params = {"splits": 3, "weights": str(inception_weights), "protocol": "legacy-tf"}
    ours = INCEPTION_SCORE.compute(inputs, params)
    assert ours["inception_score"] == pytest.approx(theirs["inception_score_mean"], rel=1e-4)
    assert ours["inception_score_std"] == pytest.approx(theirs["inception_score_std"], rel=1e-3)


class UInt8Images(torch.utils.data.Dataset):
    """Images as torch-fidelity reads an input: uint8 (3, H, W) items."""

    def __init__(self, pixels: torch.Tensor) -> None:
        self.pixels = pixels

    def __len__(self) -> int:
        return len(self.pixels)

    def __getitem__(self, index: int) -> torch.Tensor:
        return self.pixels[index]


def test_evaluation_protocol_key_reaches_the_extractor_and_is_refused_elsewhere(
    registry, write_spec
) -> None:
    base = '[benchmark]\ndataset = "{dataset}"\n[evaluation]\nfeatures = "{features}"\n'
    tail = 'protocol = "clean"\n[[entry]]\nname = "GAN"\nmodel = "gan"\n'
    path = write_spec(base.format(dataset="mnist", features="inception") + tail)
    assert load_spec(path, registry).evaluation.feature_params["protocol"] == "clean"
    path = write_spec(base.format(dataset="mnist", features="lenet-mnist") + tail)
    with pytest.raises(SpecError, match=r"evaluation\.protocol.*no FID protocol"):
        load_spec(path, registry)
    path = write_spec(
        base.format(dataset="mnist", features="inception") + tail.replace("clean", "bicubic")
    )
    with pytest.raises(SpecError, match="protocol"):
        load_spec(path, registry)
