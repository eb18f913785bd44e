"""Built-in plugin: the vanilla GAN and the standard normal prior."""

from __future__ import annotations

from collections.abc import Callable

from genbench.api import ModelFamily, Prior, hookimpl
from genbench_gan.catalog import GAN, NORMAL


@hookimpl
def genbench_register_models(register: Callable[[ModelFamily], None]) -> None:
    register(GAN)


@hookimpl
def genbench_register_priors(register: Callable[[Prior], None]) -> None:
    register(NORMAL)
