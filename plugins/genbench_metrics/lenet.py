"""The `lenet-mnist` feature extractor: a small classifier trained on the dataset itself.

Inception needs downloaded weights and a GPU to be quick; a LeNet trained for two epochs on
MNIST's own training split gives an offline, fast and still discriminative embedding (its
128-d penultimate layer). The trained weights are cached by a hash of everything that shapes
them, so each sweep trains at most once.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

import genbench
from genbench.api import DamagedFileError, UserError, load_torch, save_torch

ARCHITECTURE = "lenet-mnist-v1"
IMAGE_SHAPE = (1, 28, 28)
CLASSES = 10
EVAL_BATCH = 1024


class LeNet(nn.Module):
    """Two conv/pool stages, a 128-unit embedding and a linear 10-way classifier."""

    def __init__(self) -> None:
        super().__init__()
        self.embedding = nn.Sequential(
            nn.Conv2d(1, 32, 5),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 5),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(64 * 4 * 4, 128),
            nn.ReLU(),
        )
        self.classifier = nn.Linear(128, CLASSES)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.embedding(images))


class LeNetFeatures:
    """The ready extractor: the trained embedding, in eval mode, without gradients."""

    def __init__(self, model: LeNet, info: dict[str, Any]) -> None:
        self.model = model.eval()
        self.info = info
        self.device = next(model.parameters()).device

    @torch.no_grad()
    def __call__(self, batch: torch.Tensor) -> torch.Tensor:
        return self.model.embedding(batch.to(self.device, torch.float32))


def train_lenet(
    images: torch.Tensor,
    labels: torch.Tensor,
    epochs: int,
    batch_size: int,
    lr: float,
    seed: int,
) -> LeNet:
    """Adam on cross-entropy, batches drawn by index from the tensors' device.

    Initialisation and shuffling both come from `seed` without touching the global RNG, so
    the same data and parameters give the same weights (on a given device).
    """
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = LeNet().to(images.device)
    order = torch.Generator().manual_seed(seed)
    optimiser = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    for _ in range(epochs):
        permutation = torch.randperm(len(images), generator=order).to(images.device)
        for index in permutation.split(batch_size):
            loss = F.cross_entropy(model(images[index]), labels[index])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
    return model.eval()


@torch.no_grad()
def accuracy(model: LeNet, images: torch.Tensor, labels: torch.Tensor) -> float:
    """Share of correctly classified images: the record's evidence that the embedding is
    discriminative, without which its FIDs mean little."""
    model.eval()
    correct = sum(
        int((model(x).argmax(dim=1) == y).sum())
        for x, y in zip(images.split(EVAL_BATCH), labels.split(EVAL_BATCH), strict=True)
    )
    return correct / len(images)


def cache_key(data: genbench.LoadedData, params: dict[str, Any]) -> str:
    """A hash of what determines the weights and the recorded accuracy: the data (both
    splits), hyperparameters and architecture; a change in any of them must not reuse a file."""
    described = {
        "architecture": ARCHITECTURE,
        "data": data.fingerprint(),
        **{name: params[name] for name in ("epochs", "batch_size", "lr", "seed")},
    }
    return hashlib.sha256(json.dumps(described, sort_keys=True).encode()).hexdigest()[:16]


def check_images(data: genbench.LoadedData, user: str, instead: str) -> None:
    """A UserError naming `user` unless the data are MNIST-shaped digits labelled 0-9."""
    shape = tuple(data.train.shape[1:])
    labels = data.train_labels
    if shape != IMAGE_SHAPE or labels is None or not 0 <= labels.min() <= labels.max() < CLASSES:
        raise UserError(
            f"{user} needs (N, 1, 28, 28) images labelled 0-9, got samples of shape {shape} "
            f"{'without' if labels is None else 'with'} labels; {instead}"
        )


def _load(path: Path, device: torch.device) -> tuple[LeNet, float]:
    saved = load_torch(path, map_location=device)
    model = LeNet().to(device)
    model.load_state_dict(saved["state_dict"])
    return model, saved["accuracy"]


def _train_and_save(
    data: genbench.LoadedData, params: dict[str, Any], device: torch.device, path: Path
) -> tuple[LeNet, float]:
    model = train_lenet(
        data.train.to(device, torch.float32),
        _train_labels(data).to(device, torch.int64),
        params["epochs"],
        params["batch_size"],
        params["lr"],
        params["seed"],
    )
    images, labels = _scored_split(data)
    score = accuracy(model, images.to(device, torch.float32), labels.to(device))
    save_torch({"state_dict": model.state_dict(), "accuracy": score}, path)
    return model, score


def _has_test(data: genbench.LoadedData) -> bool:
    return data.test is not None and data.test_labels is not None


def _train_labels(data: genbench.LoadedData) -> torch.Tensor:
    if data.train_labels is None:  # check_images turns unlabelled data away before
        raise ValueError("LeNet trains on labelled images only")
    return data.train_labels


def _scored_split(data: genbench.LoadedData) -> tuple[torch.Tensor, torch.Tensor]:
    """The images and labels the accuracy is measured on: the test split, if there is one."""
    if data.test is not None and data.test_labels is not None:
        return data.test, data.test_labels
    return data.train, _train_labels(data)


def trained_lenet(
    data: genbench.LoadedData, params: dict[str, Any], device: torch.device, cache_dir: Path
) -> tuple[LeNet, dict[str, Any]]:
    """The classifier for this data and these parameters, from the cache or trained and
    cached, and the facts for the record. The one entry point to the cache, shared by the
    extractor and the classifier-score metric, so neither trains what the other has."""
    path = cache_dir / "lenet-mnist" / f"{cache_key(data, params)}.pt"
    try:
        model, score = _load(path, device)
        cached = True
    except (FileNotFoundError, DamagedFileError):  # a damaged cache is trained again
        model, score = _train_and_save(data, params, device, path)
        cached = False
    info = {
        "name": "lenet-mnist",
        "test_accuracy": score,
        "accuracy_split": "test" if _has_test(data) else "train (the dataset has no test split)",
        "train_samples": len(data.train),
        "epochs": params["epochs"],
        "cache_file": str(path),
        "cached": cached,
    }
    return model, info


def build_lenet(request: genbench.ExtractorRequest) -> LeNetFeatures:
    """Load the cached classifier for this data and these parameters, or train and cache it."""
    check_images(
        request.data, "feature extractor 'lenet-mnist'", 'use features = "identity" instead'
    )
    model, info = trained_lenet(request.data, request.params, request.device, request.cache_dir)
    return LeNetFeatures(model, info)
