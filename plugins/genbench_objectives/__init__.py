"""Built-in plugin: GAN objectives that are not f-divergences (hinge, least squares and the
relativistic average losses), trained by the `fgan` family like any registered divergence."""

from __future__ import annotations

from collections.abc import Callable

import genbench
from genbench_objectives.catalog import DIVERGENCES


@genbench.hookimpl
def genbench_register_divergences(
    register: Callable[[genbench.Divergence | genbench.Deferred], None],
) -> None:
    for divergence in DIVERGENCES:
        register(divergence)
