"""The `inception` feature extractor: torch-fidelity's InceptionV3, the network FIDs are quoted in.

torch-fidelity's `inception-v3-compat` reproduces the TensorFlow graph of the original FID
code, resizing included, so FIDs on its 2048-d pool features compare with published ones and
with torch-fidelity's own. Its weights come from a local file named in the spec (offline
machines) or from torch-fidelity's release, cached in the torch hub folder where
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
    """The ready extractor: InceptionV3 in eval mode, fed uint8 RGB as torch-fidelity expects."""

    def __init__(self, network: nn.Module, info: dict[str, Any]) -> None:
        self.network = network
        self.info = info
        self.device = next(network.parameters()).device

    @torch.no_grad()
    def __call__(self, batch: torch.Tensor) -> torch.Tensor:
        pixels = to_uint8_rgb(batch).to(self.device)
        chunks = [self.network(chunk)[0] for chunk in pixels.split(FORWARD_BATCH)]
        return torch.cat(chunks).float()


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


def _network(path: Path, device: torch.device) -> nn.Module:
    """torch-fidelity's network with the file's weights; torch-fidelity is imported here, not
    at module level, so that registering the plugin (as `genbench list` does) stays quick."""
    from torch_fidelity.feature_extractor_inceptionv3 import FeatureExtractorInceptionV3

    try:
        network = FeatureExtractorInceptionV3(
            NETWORK, [LAYER], feature_extractor_weights_path=str(path)
        )
    except RuntimeError as exc:
        raise UserError(
            f"feature extractor 'inception': {path} does not hold torch-fidelity's InceptionV3 "
            f"weights ({first_line(exc)})"
        ) from None
    return network.to(device).eval()


def build_inception(request: genbench.ExtractorRequest) -> InceptionFeatures:
    """Load InceptionV3 from the spec's weights file, else from torch-fidelity's release."""
    shape = request.data.sample_shape
    if not request.data.is_image or shape[0] not in (1, 3):
        raise UserError(
            f"feature extractor 'inception' needs images (N, 1 or 3, H, W), got samples of "
            f'shape {shape}; use features = "identity" for point data'
        )
    given = request.params["weights"]
    path = _local_weights(given) if given else release_weights()
    digest = _check_weights(path)
    info = {
        "name": "inception",
        "network": f"torch-fidelity {NETWORK}",
        "layer": LAYER,
        "feature_dim": FEATURE_DIM,
        "weights": "local file" if given else "torch-fidelity release",
        "weights_file": str(path),
        "weights_sha256": digest,
    }
    return InceptionFeatures(_network(path, request.device), info)
