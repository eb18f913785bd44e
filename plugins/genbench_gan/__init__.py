"""Built-in plugin: the vanilla GAN, its network families and the standard normal prior."""

from __future__ import annotations

from collections.abc import Callable

import genbench
from genbench_gan.model import GAN
from genbench_gan.priors import NORMAL


@genbench.hookimpl
def genbench_register_models(register: Callable[[genbench.ModelFamily], None]) -> None:
    register(GAN)


@genbench.hookimpl
def genbench_register_priors(register: Callable[[genbench.Prior], None]) -> None:
    register(NORMAL)
