"""DiffAugment and ADA: gradients reach G through every transform, the translation and cutout
sizes are the authors', and ADA's probability rises when D over-fits a tiny data set."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

import genbench
from genbench_gan.augment import (
    TRANSFORMS,
    AugmentedCritic,
    AugmentSettings,
    cutout,
    cutout_size,
    largest_shift,
    translation,
)
from tests.tiny_specs import entry, tiny_spec


@pytest.mark.parametrize("name", sorted(TRANSFORMS))
def test_gradients_reach_the_generator_through_every_transform(name: str) -> None:
    torch.manual_seed(0)
    images = torch.rand(8, 3, 32, 32, requires_grad=True)
    weights = torch.randn(3, 32, 32)
    (TRANSFORMS[name](images) * weights).sum().backward()
    assert images.grad is not None and torch.isfinite(images.grad).all()
    assert (images.grad.abs().flatten(1).sum(dim=1) > 0).all()  # every sample gets a gradient


def test_translation_moves_whole_images_by_at_most_an_eighth_of_the_side() -> None:
    assert (largest_shift(32), largest_shift(28), largest_shift(64)) == (4, 4, 8)
    torch.manual_seed(1)
    image = torch.zeros(400, 1, 32, 32)
    image[:, 0, 16, 16] = 1.0  # one bright pixel, to see where it went
    moved = translation(image)
    where = moved[:, 0].flatten(1).argmax(dim=1)
    rows, cols = where // 32 - 16, where % 32 - 16
    assert moved.sum(dim=(1, 2, 3)).eq(1).all()  # moved, not blurred
    assert rows.abs().max() == 4 and cols.abs().max() == 4
    assert set(rows.tolist()) == set(range(-4, 5))
    shifted = translation(torch.ones(200, 1, 32, 32))
    assert shifted.eq(0).any() and shifted.eq(0).flatten(1).sum(1).max() <= 32 * 32 - 28 * 28


def test_cutout_zeroes_a_square_of_half_the_side() -> None:
    assert (cutout_size(32), cutout_size(28), cutout_size(64)) == (16, 14, 32)
    torch.manual_seed(2)
    zeroed = cutout(torch.ones(500, 3, 32, 32)).eq(0)
    counts = zeroed[:, 0].flatten(1).sum(dim=1)
    assert counts.max() == 16 * 16 and counts.min() > 0
    assert torch.equal(zeroed[:, 0], zeroed[:, 2])  # the same square in every channel
    full = counts == 256
    rows = zeroed[full, 0].any(dim=2).sum(dim=1)
    assert rows.eq(16).all()


def test_ada_moves_p_by_the_sign_of_d_on_reals() -> None:
    settings = AugmentSettings(("translation",), ada_target=0.6, ada_images=1000, ada_interval=2)
    critic = AugmentedCritic(torch.nn.Identity(), settings)
    assert float(critic.p) == 0.0
    for _ in range(4):  # 2 adjustments of 2 x 50 images each: +0.1 each
        critic.observe(torch.ones(50), 50)
    assert float(critic.p) == pytest.approx(0.2)
    for _ in range(2):  # D no better than chance on reals: p falls
        critic.observe(torch.tensor([1.0, -1.0] * 25), 50)
    assert float(critic.p) == pytest.approx(0.1)


def test_ada_adjusts_where_it_would_have_after_a_checkpoint_mid_interval() -> None:
    """The controller counts its observations on the host (it reads nothing back from the
    device); a checkpoint taken between two adjustments still resumes the count."""
    settings = AugmentSettings(("translation",), ada_target=0.6, ada_images=1000, ada_interval=3)
    whole = AugmentedCritic(torch.nn.Identity(), settings)
    for _ in range(2):
        whole.observe(torch.ones(50), 50)
    resumed = AugmentedCritic(torch.nn.Identity(), settings)
    resumed.load_state_dict(whole.state_dict())
    for critic in (whole, resumed):
        assert float(critic.p) == 0.0
        critic.observe(torch.ones(50), 50)  # the third observation: an adjustment
        assert float(critic.p) == pytest.approx(0.15)


def test_ada_raises_p_when_d_overfits_a_tiny_data_set(registry, write_spec, tmp_path) -> None:
    folder = tmp_path / "sixteen"
    folder.mkdir()
    rng = np.random.default_rng(0)
    for index in range(16):
        Image.fromarray(rng.integers(0, 256, (8, 8), dtype=np.uint8)).save(folder / f"{index}.png")
    ada = {"ada_target": 0.6, "ada_images": 2000, "policy": ["translation", "cutout"]}
    spec = tiny_spec(
        entry("GAN + ADA", "gan", augment=ada, batch_size=16),
        benchmark={"dataset": "image-folder", "budget": "300 steps"},
        dataset={"samples": None, "path": str(folder), "size": 8, "channels": 1},
        evaluation={"samples": 16, "metrics": ["fid"], "features": "identity"},
    )
    result = genbench.run(write_spec(spec), out=tmp_path / "out", registry=registry, quiet=True)
    state = torch.load(
        next(Path(result.results_dir).glob("runs/*/seed-0/checkpoint.pt")), weights_only=True
    )
    assert float(state["model"]["critic.p"]) > 0.2
