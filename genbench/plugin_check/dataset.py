"""A dataset loaded as a sweep would load it (default parameters, the data root a spec gets)
and its tensors held to the contract: float samples, images (N, C, H, W) in [-1, 1] or points
(N, D), labels and a test split that match. A dataset that cannot load here (files absent,
offline) declines with its own one-line message, which is its right."""

from __future__ import annotations

import warnings

import torch

from genbench.api.data import Dataset, DatasetRequest, LoadedData
from genbench.api.params import resolve_params
from genbench.errors import UserError, first_line
from genbench.plugin_check.findings import Findings
from genbench.plugin_check.probes import describe
from genbench.spec.benchmark import resolve_data_root

FIRST_BATCH = 256


def dataset_findings(dataset: Dataset) -> Findings:
    params = resolve_params(dataset.params, {}, f"dataset {dataset.name!r}")
    root = resolve_data_root(None).expanduser()
    findings = Findings()
    try:
        with warnings.catch_warnings():  # a fallback's warning is said in `data.fallback`
            warnings.simplefilter("ignore")
            data = dataset.load(DatasetRequest(params, torch.device("cpu"), root))
    except UserError as exc:
        findings.declined.append(f"loading with its defaults under {root} ({first_line(exc)})")
        return findings
    if not isinstance(data, LoadedData):
        findings.problems.append(f"load returned {type(data).__name__}, not a LoadedData")
        return findings
    findings.problems += _data_problems(data)
    if not findings.problems:
        test = f", {len(data.test)} test" if data.test is not None else ""
        fallback = f"; fallback: {data.fallback}" if data.fallback else ""
        findings.checked.append(f"loaded {describe(data)}, {len(data.train)} train{test}{fallback}")
    return findings


def _data_problems(data: LoadedData) -> list[str]:
    train = data.train
    if not isinstance(train, torch.Tensor) or not train.is_floating_point():
        return ["train is not a float tensor"]
    if train.dim() not in (2, 4) or len(train) == 0:
        return [
            f"train is shaped {tuple(train.shape)}; expected images (N, C, H, W) or points (N, D)"
        ]
    batch = train[:FIRST_BATCH]
    problems = []
    if not torch.isfinite(batch).all():
        problems.append("the first batch holds values that are not finite")
    if data.is_image and (batch.min() < -1 or batch.max() > 1):
        low, high = float(batch.min()), float(batch.max())
        problems.append(f"images span [{low:g}, {high:g}]; scale them to [-1, 1]")
    for split, samples, labels in (
        ("train", train, data.train_labels),
        ("test", data.test, data.test_labels),
    ):
        if labels is not None and (samples is None or len(labels) != len(samples)):
            problems.append(f"{split}_labels do not give one label per {split} sample")
    if data.test is not None and tuple(data.test.shape[1:]) != data.sample_shape:
        problems.append(f"test samples are {tuple(data.test.shape[1:])}, train {data.sample_shape}")
    return problems
