"""`image-folder` with `stream = true`: only a held sample is decoded up front, training draws
every image of the folder through DataLoader workers, labels stay with their images, and
what a stream cannot serve is refused before training."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import numpy as np
import pytest
import torch
from click.testing import CliRunner
from PIL import Image

import genbench
from genbench.cli import cli
from genbench.engine.loop import train
from genbench.engine.resume import Checkpointing, EngineState
from genbench.engine.stream import StreamedSet
from genbench.spec.budget import Budget
from tests.tiny_specs import entry, tiny_spec

FILES = 24


def folder_of_numbered_images(root: Path) -> Path:
    """Image i is grey level 10 i, in class folder i % 2: each pixel says which file it is."""
    for index in range(FILES):
        folder = root / "images" / f"class-{index % 2}"
        folder.mkdir(parents=True, exist_ok=True)
        pixels = np.full((8, 8), 10 * index, dtype=np.uint8)
        Image.fromarray(pixels, mode="L").save(folder / f"{index:02d}.png")
    return root / "images"


def load(registry, folder: Path, tmp_path: Path, **given) -> genbench.LoadedData:
    dataset = registry.get("dataset", "image-folder")
    params = genbench.resolve_params(
        dataset.params,
        {"path": str(folder), "size": 8, "channels": 1, "stream": True, **given},
        "dataset",
    )
    return dataset.load(genbench.DatasetRequest(params, torch.device("cpu"), tmp_path))


def file_index(images: torch.Tensor) -> list[int]:
    grey = ((images[:, 0, 0, 0] + 1) * 127.5).round()
    return (grey / 10).round().long().tolist()


def test_only_the_held_sample_is_decoded_and_training_draws_every_file(registry, tmp_path):
    data = load(registry, folder_of_numbered_images(tmp_path), tmp_path, held=4, workers=2)
    assert data.stream is not None and data.stream.count == FILES
    assert len(data.train) == 4 and data.info["streamed"] == FILES
    torch.manual_seed(0)
    source = StreamedSet(data.stream, data.train, data.train_labels, labelled=False)
    seen = set()
    for _ in range(10):
        seen.update(file_index(source.draw(None, 8)))  # type: ignore[arg-type]
    assert len(seen) > 12  # far beyond the 4 held files
    torch.manual_seed(0)
    again = StreamedSet(data.stream, data.train, data.train_labels, labelled=False)
    first = [file_index(again.draw(None, 8)) for _ in range(3)]  # type: ignore[arg-type]
    torch.manual_seed(0)
    third = StreamedSet(data.stream, data.train, data.train_labels, labelled=False)
    assert first == [file_index(third.draw(None, 8)) for _ in range(3)]  # type: ignore[arg-type]


class Recorder(torch.nn.Module):
    """A conditional model's stand-in: keeps the labels each batch was conditioned on."""

    def __init__(self) -> None:
        super().__init__()
        self.labels: list[torch.Tensor] = []

    def condition(self, labels: torch.Tensor) -> None:
        self.labels.append(labels)


def test_a_streamed_batch_carries_its_images_labels(registry, tmp_path):
    data = load(registry, folder_of_numbered_images(tmp_path), tmp_path, held=4, classes=True)
    source = StreamedSet(data.stream, data.train, data.train_labels, labelled=True)
    model = Recorder()
    images = source.draw(model, 8)  # type: ignore[arg-type]
    assert [i % 2 for i in file_index(images)] == model.labels[0].tolist()


def test_a_conditional_gan_trains_from_a_stream_end_to_end(write_spec, tmp_path):
    folder = folder_of_numbered_images(tmp_path)
    spec = write_spec(
        tiny_spec(
            entry("cGAN", "gan", conditional=True, network="mnist-mlp-small", batch_size=8),
            benchmark={"dataset": "image-folder", "budget": "6 steps"},
            dataset={
                "path": str(folder),
                "size": 8,
                "channels": 1,
                "stream": True,
                "held": 16,
                "workers": 1,
                "classes": True,
                "samples": None,
            },
            evaluation={"samples": 16, "features": "identity", "metrics": ["precision-recall"]},
        )
    )
    result = CliRunner().invoke(cli, ["run", str(spec), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    record = json.loads(next((tmp_path / "out").glob("tiny/runs/*/*/record.json")).read_text())
    assert record["status"] == "ok" and record["train"]["steps"] == 6
    assert f"({FILES} streamed, 16 held" in record["dataset"]["source"]


def test_the_whole_split_as_reference_is_refused_for_a_stream(write_spec, tmp_path):
    folder = folder_of_numbered_images(tmp_path)
    spec = write_spec(
        tiny_spec(
            benchmark={"dataset": "image-folder"},
            dataset={
                "path": str(folder),
                "size": 8,
                "channels": 1,
                "stream": True,
                "held": 8,
                "samples": None,
            },
            evaluation={"features": "identity", "metrics": ["fid"], "reference": "all"},
        )
    )
    result = CliRunner().invoke(cli, ["run", str(spec), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "holds 8 of its 24 images" in result.output


@pytest.mark.parametrize("workers", [0, 1])
def test_the_engine_trains_on_a_stream(registry, tmp_path, workers):
    data = load(registry, folder_of_numbered_images(tmp_path), tmp_path, held=4, workers=workers)
    family = registry.get("model", "gan")
    params = genbench.resolve_params(family.params, {"batch_size": 8}, "model")
    model = family.build(genbench.BuildContext(params, (1, 8, 8), torch.device("cpu"), registry))
    outcome = train(model, data.train, Budget(steps=3), stream=data.stream)
    assert outcome.status == "ok" and outcome.steps == 3


class Killed(Exception):
    """Stands for the process dying at a log point after a state was saved."""


def test_a_streamed_run_resumed_from_its_saved_state_ends_as_an_uninterrupted_one(
    registry, tmp_path
):
    data = load(registry, folder_of_numbered_images(tmp_path), tmp_path, held=4, workers=1)
    family = registry.get("model", "gan")
    widths = {"generator_widths": [16], "critic_widths": [16]}
    params = genbench.resolve_params(
        family.params, {"batch_size": 8, "network_params": widths}, "model"
    )

    def model() -> genbench.AdversarialModel:
        torch.manual_seed(0)
        context = genbench.BuildContext(params, (1, 8, 8), torch.device("cpu"), registry)
        return family.build(context)

    whole = model()
    torch.manual_seed(1)
    train(whole, data.train, Budget(steps=12), log_every=3, stream=data.stream)
    killed, saved = model(), []

    def save(state: EngineState) -> None:
        saved.append((copy.deepcopy(killed.checkpoint()), copy.deepcopy(state)))

    def die_after_a_save(progress) -> None:
        if saved:
            raise Killed

    torch.manual_seed(1)
    with pytest.raises(Killed):
        checkpoints = Checkpointing(Budget(steps=6), save)
        train(killed, data.train, Budget(steps=12), die_after_a_save, 3,
              checkpoints=checkpoints, stream=data.stream)  # fmt: skip
    resumed = model()
    resumed.load_checkpoint(saved[0][0])
    torch.manual_seed(1)  # the stream's sampler is seeded as the run's was, before the resume
    resume = Checkpointing(None, save, resume=saved[0][1])
    outcome = train(
        resumed, data.train, Budget(steps=12), log_every=3, checkpoints=resume, stream=data.stream
    )
    assert outcome.resumed_at == 6 and outcome.steps == 12
    for key, value in whole.state_dict().items():
        assert torch.equal(resumed.state_dict()[key], value), key
