"""Built-in plugin: every divergence of the f-GAN table and the `fgan` model family."""

from __future__ import annotations

from collections.abc import Callable

import genbench
from genbench_fgan.catalog import DIVERGENCES, FGAN_FAMILY


@genbench.hookimpl
def genbench_register_divergences(
    register: Callable[[genbench.Divergence | genbench.Deferred], None],
) -> None:
    for divergence in DIVERGENCES:
        register(divergence)


@genbench.hookimpl
def genbench_register_models(register: Callable[[genbench.ModelFamily], None]) -> None:
    register(FGAN_FAMILY)
