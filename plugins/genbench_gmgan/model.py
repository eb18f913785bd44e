"""GM-GAN (Ben-Yosef & Weinshall 2018): the vanilla GAN on a Gaussian-mixture latent prior.

Only the default prior differs from `gan` (gm-static with K = 15, c = 0.2, sigma = 1, the
seeds' setting); `prior = "gm-dynamic"` learns the mixture with the generator.
"""

from __future__ import annotations

from dataclasses import replace

import genbench
from genbench_gan.model import PARAMS as GAN_PARAMS
from genbench_gan.model import build_vanilla_gan

PRIOR_HELP = "latent prior: gm-static (fixed means) or gm-dynamic (learned); any registered prior"

PARAMS = tuple(
    replace(param, default="gm-static", help=PRIOR_HELP) if param.name == "prior" else param
    for param in GAN_PARAMS
)

GMGAN = genbench.ModelFamily(
    "gmgan",
    "GM-GAN (Ben-Yosef & Weinshall 2018): vanilla GAN with a Gaussian-mixture latent prior.",
    build_vanilla_gan,
    PARAMS,
)
