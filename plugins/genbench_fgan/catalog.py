"""What genbench_fgan registers, described without importing torch: every divergence of the
f-GAN table (Nowozin et al. 2016) plus the seeds' Bhattacharyya and Jeffreys, and the `fgan`
model family."""

from __future__ import annotations

from genbench.api import Deferred, ModelFamily, Param, lazy
from genbench_gan.catalog import common_params

DIVERGENCES = (
    Deferred(
        "kl",
        "Kullback-Leibler KL(P||Q), f(u) = u log u.",
        "genbench_fgan.divergences:KL",
    ),
    Deferred(
        "reverse-kl",
        "Reverse Kullback-Leibler KL(Q||P), f(u) = -log u.",
        "genbench_fgan.divergences:ReverseKL",
    ),
    Deferred(
        "pearson",
        "Pearson chi-squared, f(u) = (u - 1)^2.",
        "genbench_fgan.divergences:Pearson",
    ),
    Deferred(
        "neyman",
        "Neyman chi-squared, f(u) = (1 - u)^2 / u.",
        "genbench_fgan.divergences:Neyman",
    ),
    Deferred(
        "squared-hellinger",
        "Squared Hellinger, f(u) = (sqrt u - 1)^2.",
        "genbench_fgan.divergences:SquaredHellinger",
    ),
    Deferred(
        "jensen-shannon",
        "Jensen-Shannon (times 2), f(u) = -(u + 1) log((1 + u) / 2) + u log u.",
        "genbench_fgan.divergences:JensenShannon",
    ),
    Deferred(
        "gan",
        "The original GAN objective, f(u) = u log u - (u + 1) log(u + 1) + log 4.",
        "genbench_fgan.divergences:GAN",
    ),
    Deferred(
        "total-variation",
        "Total variation, f(u) = |u - 1| / 2.",
        "genbench_fgan.divergences:TotalVariation",
    ),
    Deferred(
        "bhattacharyya",
        "Bhattacharyya, f(u) = 1 - sqrt u (one minus the Bhattacharyya coefficient).",
        "genbench_fgan.divergences:Bhattacharyya",
    ),
    Deferred(
        "jeffreys",
        "Jeffreys (symmetric KL), f(u) = (u - 1) log u; f* through Lambert W.",
        "genbench_fgan.divergences:Jeffreys",
    ),
)

GENERATOR_LOSSES = ("non-saturating", "saddle")

WARM_START_FIELDS = (
    Param("divergence", "jensen-shannon", "divergence of the first steps", refers_to="divergence"),
    Param("steps", 2000, "generator steps before switching", minimum=1),
)
FGAN_PARAMS = (
    Param(
        "divergence",
        "jensen-shannon",
        "divergence (see `genbench list divergences`), a third-party one too",
        refers_to="divergence",
    ),
    Param("divergence_params", {}, "parameters of the divergence, e.g. { lambda = 10 }"),
    Param(
        "generator_loss",
        "non-saturating",
        "non-saturating: maximise E_Q[g_f(v)]; saddle: maximise E_Q[f*(g_f(v))]",
        choices=GENERATOR_LOSSES,
    ),
    Param(
        "grad_clip",
        0.0,
        "clip both networks' gradient norm (the seeds use 1); 0: off",
        minimum=0.0,
        recipe=True,
    ),
    Param(
        "warm_start",
        None,
        "train on another divergence first: { divergence = ..., steps = ... }",
        type=dict,
        fields=WARM_START_FIELDS,
        recipe=True,
    ),
    *common_params(),
)

FGAN_FAMILY = ModelFamily(
    "fgan",
    "f-GAN (Nowozin et al. 2016) on any registered divergence, with the seeds' stabilisers.",
    lazy("genbench_fgan.model:build_fgan"),
    FGAN_PARAMS,
)
