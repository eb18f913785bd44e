"""genbench-extras: what it registers, described without importing torch; the computations
live in `energy.py`, `network.py` and `moons.py` and load on first use."""

from __future__ import annotations

from collections.abc import Callable

import genbench

ENERGY_DISTANCE = genbench.Metric(
    name="energy-distance",
    description="Energy distance (Székely) between real and generated features; 0 iff equal.",
    columns=(genbench.Column("energy_distance", "Energy distance", higher_is_better=False),),
    compute=genbench.lazy("genbench_extras.energy:compute_energy_distance"),
    params=(
        genbench.Param(
            "max_samples", 2000, "samples per set used (pairwise distances cost N^2)", minimum=2
        ),
    ),
)

TWO_LAYER = genbench.Network(
    name="two-layer",
    description="One hidden layer of ReLU units in the generator and in the critic.",
    build=genbench.lazy("genbench_extras.network:build"),
    params=(genbench.Param("width", 64, "hidden units of each network", minimum=1),),
    latent_dim=4,
)

TWO_MOONS = genbench.Dataset(
    name="two-moons",
    description="Two interleaved half circles in 2-D with Gaussian noise.",
    load=genbench.lazy("genbench_extras.moons:load_moons"),
    params=(
        genbench.Param("samples", 10_000, "training points", minimum=2),
        genbench.Param("noise", 0.05, "standard deviation of the noise", minimum=0.0),
        genbench.Param("seed", 0, "the data's own seed", minimum=0),
    ),
)


@genbench.hookimpl
def genbench_register_metrics(register: Callable[[genbench.Metric], None]) -> None:
    register(ENERGY_DISTANCE)


@genbench.hookimpl
def genbench_register_networks(register: Callable[[genbench.Network], None]) -> None:
    register(TWO_LAYER)


@genbench.hookimpl
def genbench_register_datasets(register: Callable[[genbench.Dataset], None]) -> None:
    register(TWO_MOONS)
