"""Built-in plugin: WGAN with weight clipping and WGAN-GP with the gradient penalty."""

from __future__ import annotations

from collections.abc import Callable

import genbench
from genbench_wgan.catalog import WGAN, WGAN_GP


@genbench.hookimpl
def genbench_register_models(register: Callable[[genbench.ModelFamily], None]) -> None:
    register(WGAN)
    register(WGAN_GP)
