"""What genbench_gmgan registers, described without importing torch.

GM-GAN (Ben-Yosef & Weinshall 2018) is the vanilla GAN on a Gaussian-mixture latent prior:
only the default prior differs from `gan` (gm-static with K = 15, c = 0.2, sigma = 1, the
seeds' setting); `prior = "gm-dynamic"` learns the mixture with the generator.
"""

from __future__ import annotations

from dataclasses import replace

from genbench.api import ModelFamily, Param, Prior, lazy
from genbench_gan.catalog import GAN_PARAMS

PRIOR_HELP = "latent prior: gm-static (fixed means) or gm-dynamic (learned); any registered prior"

# The mixture prior is what GM-GAN compares, so it is not part of the shared recipe.
GMGAN_PARAMS = tuple(
    replace(param, default="gm-static", help=PRIOR_HELP, recipe=False)
    if param.name == "prior"
    else replace(param, recipe=False)
    if param.name == "prior_params"
    else param
    for param in GAN_PARAMS
)

GMGAN = ModelFamily(
    "gmgan",
    "GM-GAN (Ben-Yosef & Weinshall 2018): vanilla GAN with a Gaussian-mixture latent prior.",
    lazy("genbench_gan.model:build_vanilla_gan"),
    GMGAN_PARAMS,
)

PRIOR_PARAMS = (
    Param("K", 15, "number of mixture components", minimum=1),
    Param("c", 0.2, "means are drawn uniformly in [-c, c]^d", minimum=0.0),
    Param(
        "sigma", 1.0, "standard deviation of each component (initial value if learned)", minimum=0.0
    ),
)

GM_STATIC = Prior(
    "gm-static",
    "Gaussian mixture with fixed random means (static GM-GAN, Ben-Yosef & Weinshall 2018).",
    lazy("genbench_gmgan.priors:build_static"),
    PRIOR_PARAMS,
)
GM_DYNAMIC = Prior(
    "gm-dynamic",
    "Gaussian mixture whose means and scales are learned with the generator (dynamic GM-GAN).",
    lazy("genbench_gmgan.priors:build_dynamic"),
    PRIOR_PARAMS,
)
