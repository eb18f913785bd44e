"""Built-in plugin: Gaussian-mixture latent priors (static, dynamic) and the GM-GAN model."""

from __future__ import annotations

from collections.abc import Callable

import genbench
from genbench_gmgan.catalog import GM_DYNAMIC, GM_STATIC, GMGAN


@genbench.hookimpl
def genbench_register_models(register: Callable[[genbench.ModelFamily], None]) -> None:
    register(GMGAN)


@genbench.hookimpl
def genbench_register_priors(register: Callable[[genbench.Prior], None]) -> None:
    register(GM_STATIC)
    register(GM_DYNAMIC)
