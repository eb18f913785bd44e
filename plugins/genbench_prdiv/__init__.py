"""Built-in plugin: the lambda-PR divergence and the PR optimizer (Verine et al. 2023)."""

from __future__ import annotations

from collections.abc import Callable

import genbench
from genbench_prdiv.catalog import PR, PR_OPTIMIZER


@genbench.hookimpl
def genbench_register_divergences(
    register: Callable[[genbench.Divergence | genbench.Deferred], None],
) -> None:
    register(PR)


@genbench.hookimpl
def genbench_register_models(register: Callable[[genbench.ModelFamily], None]) -> None:
    register(PR_OPTIMIZER)
