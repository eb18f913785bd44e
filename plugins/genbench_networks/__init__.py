"""Built-in plugin: the network families every GAN-style model can train on.

`mnist-mlp` and `toy-mlp` (the seeds' MLPs), `dcgan` (Radford et al. 2016) and `pacgan-mlp`
(the synthetic-data networks of PacGAN and VEEGAN). Registered exactly as a third-party
package would register its own: descriptions and parameters from a torch-free module, the
builders named lazily, so `genbench list networks` imports no torch.
"""

from __future__ import annotations

from collections.abc import Callable

from genbench.api.hookspecs import hookimpl
from genbench.api.network import Network
from genbench_networks.catalog import NETWORKS


@hookimpl
def genbench_register_networks(register: Callable[[Network], None]) -> None:
    for network in NETWORKS:
        register(network)
