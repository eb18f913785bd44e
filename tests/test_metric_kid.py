"""KID against torch-fidelity's own computation on the same features."""

from __future__ import annotations

import json

import pytest
import torch
from click.testing import CliRunner
from torch_fidelity.defaults import DEFAULTS
from torch_fidelity.metric_kid import kid_features_to_metric

import genbench
from genbench.cli import cli
from genbench.errors import UserError
from genbench_metrics.catalog import KID
from genbench_metrics.kid import kid


def _features(seed: int, n: int, dim: int, scale: float, shift: float) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(n, dim, generator=generator, dtype=torch.float64) * scale + shift


def _torch_fidelity(
    real: torch.Tensor, fake: torch.Tensor, subsets: int, size: int, seed: int
) -> tuple[float, float]:
    result = kid_features_to_metric(
        real, fake, kid_subsets=subsets, kid_subset_size=size, rng_seed=seed, verbose=False
    )
    return result["kernel_inception_distance_mean"], result["kernel_inception_distance_std"]


def test_kid_equals_torch_fidelity_with_the_same_subsets() -> None:
    real, fake = _features(0, 300, 32, 1.0, 0.0), _features(1, 250, 32, 1.2, 0.1)
    mean, std = kid(real, fake, subsets=20, subset_size=100, seed=7)
    expected_mean, expected_std = _torch_fidelity(real, fake, 20, 100, 7)
    assert mean == pytest.approx(expected_mean, rel=1e-10)
    assert std == pytest.approx(expected_std, rel=1e-10)


def test_kid_of_float32_features_agrees_with_torch_fidelitys_float32_computation() -> None:
    # torch-fidelity computes in the features' dtype, genbench in float64: equal to ~1e-5.
    real, fake = _features(2, 200, 64, 1.0, 0.0), _features(3, 200, 64, 1.0, 0.2)
    mean, _ = kid(real.float(), fake.float(), subsets=10, subset_size=150, seed=3)
    expected, _ = _torch_fidelity(real.float(), fake.float(), 10, 150, 3)
    assert mean == pytest.approx(expected, rel=1e-5)


def test_defaults_are_torch_fidelitys() -> None:
    defaults = {param.name: param.default for param in KID.params}
    assert defaults == {
        "subsets": DEFAULTS["kid_subsets"],
        "subset_size": DEFAULTS["kid_subset_size"],
        "seed": DEFAULTS["rng_seed"],
    }
    assert (DEFAULTS["kid_kernel"], DEFAULTS["kid_kernel_poly_degree"]) == ("poly", 3)
    assert (DEFAULTS["kid_kernel_poly_gamma"], DEFAULTS["kid_kernel_poly_coef0"]) == (None, 1)


def test_fewer_samples_than_the_subset_size_is_a_user_error_naming_the_fix() -> None:
    # torch-fidelity would refuse too, with its own option names; genbench says which key.
    real, fake = _features(4, 60, 8, 1.0, 0.0), _features(5, 40, 8, 1.0, 0.5)
    with pytest.raises(UserError, match=r"subset_size 1000 .* 60 real and 40 generated.*= 40"):
        kid(real, fake, subsets=5, subset_size=1000, seed=1)
    assert kid(real, fake, subsets=5, subset_size=40, seed=1) == pytest.approx(
        _torch_fidelity(real, fake, 5, 40, 1), rel=1e-10
    )


def test_kid_reproduces_with_its_seed_and_varies_without() -> None:
    real, fake = _features(6, 120, 8, 1.0, 0.0), _features(7, 120, 8, 1.0, 0.3)
    first = kid(real, fake, subsets=5, subset_size=50, seed=11)
    assert kid(real, fake, subsets=5, subset_size=50, seed=11) == first
    assert kid(real, fake, subsets=5, subset_size=50, seed=12) != first


def test_kid_separates_equal_from_shifted_distributions() -> None:
    real = _features(8, 400, 16, 1.0, 0.0)
    same, _ = kid(real, _features(9, 400, 16, 1.0, 0.0), subsets=3, subset_size=200)
    shifted, _ = kid(real, _features(10, 400, 16, 1.0, 1.0), subsets=3, subset_size=200)
    assert abs(same) < 0.01 < shifted


def test_kid_metric_reports_mean_and_std() -> None:
    real, fake = _features(12, 100, 8, 1.0, 0.0), _features(13, 100, 8, 1.0, 0.4)
    inputs = genbench.MetricInputs(real, fake, real, fake, genbench.LoadedData(real, "test"))
    result = KID.compute(inputs, {"subsets": 4, "subset_size": 50, "seed": 5})
    assert [c.key for c in KID.columns] == ["kid", "kid_std"]
    assert (result["kid"], result["kid_std"]) == pytest.approx(
        _torch_fidelity(real, fake, 4, 50, 5), rel=1e-10
    )


def _trial(real: torch.Tensor, fake: torch.Tensor, planned: int) -> genbench.MetricInputs:
    data = genbench.LoadedData(real, "test")
    return genbench.MetricInputs(real, fake, real, fake, data, trial_of=planned)


def test_trial_before_training_checks_the_planned_count_and_runs_on_few_samples() -> None:
    real, fake = _features(14, 64, 8, 1.0, 0.0), _features(15, 64, 8, 1.0, 0.4)
    params = {"subsets": 3, "subset_size": 1000, "seed": 1}
    result = KID.compute(_trial(real, fake, planned=1000), params)
    assert result["kid"] == pytest.approx(kid(real, fake, 3, 64, 1)[0], rel=1e-12)
    with pytest.raises(UserError, match=r"subset_size 1000 .* 999 real and 999 generated"):
        KID.compute(_trial(real, fake, planned=999), params)


SPEC = """
[benchmark]
name = "toy"
dataset = "ring-8"
budget = "10 steps"
seeds = [0]
device = "cpu"

[dataset]
samples = 1000

[evaluation]
samples = {samples}
metrics = ["kid"]
"""
ENTRY = '\n[[entry]]\nname = "GAN"\nmodel = "gan"\n'


def test_kid_in_a_sweep_is_checked_before_training(write_spec, tmp_path):
    too_few = write_spec(SPEC.format(samples=300) + ENTRY, "few.toml")
    result = CliRunner().invoke(cli, ["run", str(too_few), "--out", str(tmp_path / "a")])
    assert result.exit_code == 2 and "[evaluation.params.kid] subset_size = 300" in result.output
    assert not list(tmp_path.glob("a/toy/runs/*/*/record.json"))
    enough = SPEC.format(samples=300) + "\n[evaluation.params.kid]\nsubset_size = 300\n" + ENTRY
    out = tmp_path / "b"
    result = CliRunner().invoke(cli, ["run", str(write_spec(enough, "ok.toml")), "--out", str(out)])
    assert result.exit_code == 0, result.output
    (path,) = out.glob("toy/runs/*/*/record.json")
    assert json.loads(path.read_text())["metrics"]["kid"] is not None
