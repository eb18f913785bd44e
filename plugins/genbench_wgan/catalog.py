"""What genbench_wgan registers, described without importing torch."""

from __future__ import annotations

from genbench.api import ModelFamily, Param, lazy
from genbench_gan.catalog import common_params

WGAN_PARAMS = (
    Param("clip", 0.01, "critic weights are clipped to [-clip, clip]", minimum=0.0),
    Param(
        "authors_schedule",
        False,
        "100 critic updates for the first 25 generator updates and every 500th (authors' code)",
    ),
    *common_params(optimizer="rmsprop", lr_g=5e-5, lr_d=5e-5, n_critic=5),
)

WGAN_GP_PARAMS = (
    Param("penalty", 10.0, "weight lambda of the gradient penalty", minimum=0.0),
    *common_params(lr_g=1e-4, lr_d=1e-4, betas=(0.0, 0.9), n_critic=5),
)

WGAN = ModelFamily(
    "wgan",
    "WGAN (Arjovsky et al. 2017): Wasserstein critic with weight clipping, RMSProp.",
    lazy("genbench_wgan.clipping:build_wgan"),
    WGAN_PARAMS,
)

WGAN_GP = ModelFamily(
    "wgan-gp",
    "WGAN-GP (Gulrajani et al. 2017): Wasserstein critic with a gradient penalty, Adam.",
    lazy("genbench_wgan.gradient_penalty:build_wgan_gp"),
    WGAN_GP_PARAMS,
)
