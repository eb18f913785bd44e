"""The `inception` feature extractor: torch-fidelity's InceptionV3, the network FIDs are quoted in.

torch-fidelity's `inception-v3-compat` reproduces the TensorFlow graph of the original FID
code, resizing included, so FIDs on its 2048-d pool features compare with published ones and
with torch-fidelity's own; the `clean` protocol (genbench_metrics.resize) resizes outside it,
as clean-fid does, before the same network. Its weights come from a local file named in the
spec (offline machines) or from torch-fidelity's release, cached in the torch hub folder where
torch-fidelity itself keeps it; the download waits only briefly, so an offline machine gets a
one-line error instead of a hang.
"""

from __future__ import annotations

import hashlib
import io
import re
import urllib.request
from pathlib import Path
from typing import Any

import torch
from torch import nn

import genbench
from genbench.api import DamagedFileError, UserError, first_line, load_torch, write_atomic

from .resize import clean_resize

NETWORK = "inception-v3-compat"
LAYER = "2048"
FEATURE_DIM = 2048
FORWARD_BATCH = 100
"""Images per forward pass: each is resized to 299 x 299 inside the network, so this bounds
memory (about 10 MB of activations per image) without changing any feature."""
DOWNLOAD_TIMEOUT_S = 15.0
"""Seconds any one socket operation of the weights download may wait."""
OFFLINE_HINT = (
    'name a local copy with [evaluation] weights = "path/to/weights-inception-2015-12-05.pth" '
    '(genbench eval: --weights PATH), or use features = "lenet-mnist" for MNIST offline'
)


class InceptionFeatures:
    """The ready extractor: InceptionV3 in eval mode, fed uint8 RGB as torch-fidelity expects,
    resized by the network (`legacy-tf`) or before it (`clean`)."""

    def __init__(self, network: nn.Module, info: dict[str, Any], protocol: str) -> None:
        self.network = network
        self.info = info
        self.protocol = protocol
        self.device = next(network.parameters()).device

    @torch.no_grad()
    def __call__(self, batch: torch.Tensor) -> torch.Tensor:
        pixels = to_uint8_rgb(batch)
        return torch.cat([self._forward(chunk) for chunk in pixels.split(FORWARD_BATCH)]).float()

    def _forward(self, pixels: torch.Tensor) -> torch.Tensor:
        if self.protocol == "clean":
            return on_resized_input(self.network, clean_resize(pixels).to(self.device))
        output: torch.Tensor = self.network(pixels.to(self.device))[0]
        return output


def on_resized_input(network: nn.Module, resized: torch.Tensor) -> torch.Tensor:
    """torch-fidelity's network on images already at 299 x 299 (float pixels in [0, 255]).

    The network takes uint8 only and resizes inside, so its first convolution is handed the
    given images, normalised as the network normalises its own ((x - 128) / 128), and the
    resize inside runs on a 1 x 1 placeholder whose result is dropped.
    """
    first: nn.Module = network.get_submodule("Conv2d_1a_3x3")
    normalised = ((resized - 128) / 128).to(next(first.parameters()).dtype)
    handle = first.register_forward_pre_hook(lambda module, args: (normalised,))
    try:
        placeholder = torch.zeros((len(resized), 3, 1, 1), dtype=torch.uint8, device=resized.device)
        output: torch.Tensor = network(placeholder)[0]
        return output
    finally:
        handle.remove()


def to_uint8_rgb(batch: torch.Tensor) -> torch.Tensor:
    """genbench's float images in [-1, 1] as uint8 B x 3 x H x W in [0, 255].

    The exact inverse of the datasets' `pixels / 127.5 - 1`, rounded, so real images reach the
    network with their original bytes; grayscale is tiled to 3 channels, as torch-fidelity
    requires (feeding one channel is a trap other libraries' users fall into).
    """
    if batch.dim() != 4 or batch.shape[1] not in (1, 3):
        raise UserError(
            f"feature extractor 'inception' needs images (N, 1 or 3, H, W), got a batch of "
            f"shape {tuple(batch.shape)}"
        )
    pixels = batch.float().add(1).mul(127.5).round().clamp(0, 255).to(torch.uint8)
    return pixels.expand(-1, 3, -1, -1) if pixels.shape[1] == 1 else pixels


def fetch(url: str) -> bytes:
    """The bytes at `url`; raises OSError (URLError, timeout) when the network fails."""
    with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT_S) as response:
        return response.read()


def release_weights() -> Path:
    """torch-fidelity's released weights, downloaded into the torch hub cache if missing.

    The file's name carries the start of its SHA-256, checked as torch hub would.
    """
    from torch_fidelity.feature_extractor_inceptionv3 import URL_INCEPTION_V3

    path = Path(torch.hub.get_dir()) / "checkpoints" / Path(URL_INCEPTION_V3).name
    if path.is_file():
        return path
    try:
        payload = fetch(URL_INCEPTION_V3)
    except OSError as exc:
        reason = getattr(exc, "reason", exc)
        raise UserError(
            f"feature extractor 'inception': cannot download torch-fidelity's InceptionV3 "
            f"weights ({reason}); {OFFLINE_HINT}"
        ) from None
    expected = re.search(r"-([0-9a-f]{8,})\.", path.name)
    if expected and not hashlib.sha256(payload).hexdigest().startswith(expected.group(1)):
        raise UserError(
            f"feature extractor 'inception': the downloaded weights fail their checksum; "
            f"try again, or {OFFLINE_HINT}"
        )
    write_atomic(path, payload)
    return path


def _local_weights(given: str) -> Path:
    path = Path(given).expanduser()
    if not path.is_file():
        raise UserError(
            f"feature extractor 'inception': weights file {given!r} not found; fix "
            f"[evaluation] weights (genbench eval: --weights) or leave it empty to download"
        )
    return path


def _check_weights(path: Path) -> str:
    """The file's SHA-256 (16 hex digits), after checking that it holds tensors only.

    torch-fidelity unpickles the file without `weights_only`; reading it first with
    `weights_only=True` keeps a spec that names a hostile file from running its code.
    """
    payload = path.read_bytes()
    try:
        state = load_torch(io.BytesIO(payload))
    except DamagedFileError as exc:
        raise UserError(
            f"feature extractor 'inception': {path} is not a PyTorch weights file ({exc})"
        ) from None
    if not isinstance(state, dict):
        raise UserError(f"feature extractor 'inception': {path} does not hold a state dict")
    return hashlib.sha256(payload).hexdigest()[:16]


def inception_network(path: Path, device: torch.device, layer: str = LAYER) -> nn.Module:
    """torch-fidelity's network with the file's weights, giving `layer` (its name: "2048" for
    the pool features, "logits_unbiased" for the Inception Score's); torch-fidelity is imported
    here, not at module level, so that registering the plugin (as `genbench list` does) stays
    quick."""
    from torch_fidelity.feature_extractor_inceptionv3 import FeatureExtractorInceptionV3

    try:
        network = FeatureExtractorInceptionV3(
            NETWORK, [layer], feature_extractor_weights_path=str(path)
        )
    except RuntimeError as exc:
        raise UserError(
            f"feature extractor 'inception': {path} does not hold torch-fidelity's InceptionV3 "
            f"weights ({first_line(exc)})"
        ) from None
    return network.to(device).eval()


def weights_path(given: str) -> tuple[Path, dict[str, str]]:
    """The weights file to load (the given one, else torch-fidelity's release) and what the
    records say about it."""
    path = _local_weights(given) if given else release_weights()
    return path, {
        "weights": "local file" if given else "torch-fidelity release",
        "weights_file": str(path),
        "weights_sha256": _check_weights(path),
    }


def check_images(shape: tuple[int, ...], is_image: bool, what: str) -> None:
    """Inception reads images of 1 or 3 channels, any size (it resizes them)."""
    if not is_image or shape[0] not in (1, 3):
        raise UserError(
            f"{what} needs images (N, 1 or 3, H, W), got samples of shape {shape}; "
            f'use features = "identity" for point data'
        )


def build_inception(request: genbench.ExtractorRequest) -> InceptionFeatures:
    """Load InceptionV3 from the spec's weights file, else from torch-fidelity's release."""
    check_images(request.data.sample_shape, request.data.is_image, "feature extractor 'inception'")
    path, weights = weights_path(request.params["weights"])
    protocol = request.params["protocol"]
    info = {
        "name": "inception",
        "network": f"torch-fidelity {NETWORK}",
        "layer": LAYER,
        "feature_dim": FEATURE_DIM,
        "protocol": protocol,
        **weights,
    }
    return InceptionFeatures(inception_network(path, request.device), info, protocol)
