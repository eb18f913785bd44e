"""Parameters and parts every GAN-style family shares: networks, prior, optimiser, batch,
packing and the generator's weight average.

Other families (f-GAN, WGAN, GM-GAN) take `common_params(...)` with their own defaults and
call `build_parts` and `build_optimizers` (or `build_model`, for a `GANModel`), so that any
network, prior, optimiser, batch, n_critic, packing or EMA setting can be overridden per entry
in the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

import torch
from torch import nn

import genbench
from genbench.api.network import NetworkRequest
from genbench.api.params import resolve_params
from genbench_gan.ema import WeightAverage
from genbench_gan.packing import PackedCritic, packed_shape

FUSED_DEVICES = ("cpu", "cuda")
OPTIMIZERS = ("adam", "rmsprop")
AUTO_NETWORKS = {"image": "mnist-mlp", "points": "toy-mlp"}
NETWORK_PARAMS = (
    genbench.Param(
        "network",
        None,
        "network family (see `genbench list networks`); auto: mnist-mlp for images, toy-mlp "
        "for points",
        type=str,
        refers_to="network",
    ),
    genbench.Param("network_params", {}, "parameters of the network, e.g. { width = 64 }"),
    genbench.Param("latent_dim", None, "latent size; auto: the network's own", type=int, minimum=1),
    genbench.Param(
        "prior", "normal", "latent prior (see `genbench list priors`)", refers_to="prior"
    ),
    genbench.Param("prior_params", {}, "parameters of the prior"),
    genbench.Param(
        "packing",
        1,
        "the critic judges this many samples at once (PacGAN); batch_size must be a multiple",
        minimum=1,
    ),
    genbench.Param(
        "spectral_norm", False, "spectral normalisation of every critic layer (Miyato et al.)"
    ),
    genbench.Param(
        "ema",
        0.0,
        "decay of a moving average of G's weights that evaluation uses (e.g. 0.999); 0: off",
        minimum=0.0,
    ),
)


class GANModel(genbench.AdversarialModel):
    """The base of the GAN-style families: an optional exponential moving average of G's
    weights (`ema`), updated after every generator step and sampled from at evaluation; it is
    a submodule, so every checkpoint keeps it."""

    def __init__(self, *args: Any, ema: float = 0.0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.generator_average = WeightAverage(self.generator, ema) if ema > 0 else None
        self.ema_decay = ema if ema > 0 else None

    def after_generator_step(self) -> None:
        if self.generator_average is not None:
            self.generator_average.update(self.generator)

    @property
    def sampler(self) -> nn.Module:
        if self.generator_average is not None:
            return self.generator_average.average
        return self.generator


ModelT = TypeVar("ModelT", bound=GANModel)


def common_params(
    *,
    optimizer: str = "adam",
    lr_g: float = 2e-4,
    lr_d: float = 2e-4,
    betas: tuple[float, float] = (0.5, 0.999),
    n_critic: int = 1,
    batch_size: int = 64,
) -> tuple[genbench.Param, ...]:
    """Network, prior, batch and optimiser parameters, with a family's own defaults."""
    return (
        *NETWORK_PARAMS,
        genbench.Param("batch_size", batch_size, "real and generated samples per batch", minimum=1),
        genbench.Param("n_critic", n_critic, "critic updates per generator update", minimum=1),
        genbench.Param("optimizer", optimizer, "optimiser of both networks", choices=OPTIMIZERS),
        genbench.Param("lr_g", lr_g, "generator learning rate", minimum=0.0),
        genbench.Param("lr_d", lr_d, "critic learning rate", minimum=0.0),
        genbench.Param("betas", betas, "Adam betas (ignored by rmsprop)"),
        genbench.Param("weight_decay", 0.0, "L2 weight decay on the critic", minimum=0.0),
    )


@dataclass
class Parts:
    generator: nn.Module
    critic: nn.Module
    prior: genbench.LatentPrior


def build_parts(context: genbench.BuildContext) -> Parts:
    """Networks and prior on the context's device, as the common parameters ask."""
    params: dict[str, Any] = context.params
    shape, packing = context.sample_shape, params.get("packing", 1)
    kind = "image" if len(shape) == 3 else "points"
    network = genbench.get("network", params.get("network") or AUTO_NETWORKS[kind])
    network_params = resolve_params(
        network.params,
        params.get("network_params", {}),
        f"network {network.name!r}",
        "network_params.",
    )
    latent_dim = params["latent_dim"] or network.latent_dim
    pair = network.build(
        NetworkRequest(shape, packed_shape(shape, packing), latent_dim, network_params)
    )
    generator, critic = pair.generator, pair.critic
    if params.get("spectral_norm", False):
        critic = spectral_normalised(critic)
    if packing > 1:
        critic = PackedCritic(critic, packing)
    prior_item = genbench.get("prior", params["prior"])
    prior_params = resolve_params(
        prior_item.params, params["prior_params"], f"prior {prior_item.name!r}", "prior_params."
    )
    prior = prior_item.build(latent_dim, prior_params)
    return Parts(generator.to(context.device), critic.to(context.device), prior.to(context.device))


def spectral_normalised(critic: nn.Module) -> nn.Module:
    """Every linear and convolution layer of `critic` divided by its largest singular value
    (Miyato et al. 2018), estimated by one power iteration per forward pass in training."""
    for module in list(critic.modules()):
        if isinstance(module, nn.Linear | nn.Conv2d | nn.ConvTranspose2d):
            nn.utils.parametrizations.spectral_norm(module)
    return critic


def make_optimizer(
    parameters: Iterable[nn.Parameter],
    name: str,
    lr: float,
    betas: tuple[float, float] = (0.5, 0.999),
    weight_decay: float = 0.0,
) -> torch.optim.Optimizer:
    """Adam or RMSProp with torch's fused kernel where it exists (Adam on CPU and CUDA): at
    GAN batch sizes the optimiser's many small elementwise kernels, not the matrix products,
    bound a step (on 2 CPU cores an Adam step of the seeds' generator takes 0.7 ms fused
    against 1.9 ms with foreach)."""
    params = list(parameters)
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, weight_decay=weight_decay)
    fused = bool(params) and all(p.device.type in FUSED_DEVICES for p in params)
    return torch.optim.Adam(
        params, lr=lr, betas=betas, weight_decay=weight_decay, fused=fused or None
    )


def build_optimizers(
    parts: Parts, params: dict[str, Any]
) -> tuple[torch.optim.Optimizer, torch.optim.Optimizer]:
    """Generator (with a learnable prior's parameters) and critic optimisers, as the common
    parameters ask; weight decay applies to the critic only."""
    name, betas = params["optimizer"], params["betas"]
    generator_params = [*parts.generator.parameters(), *parts.prior.parameters()]
    g_optimizer = make_optimizer(generator_params, name, params["lr_g"], betas)
    d_optimizer = make_optimizer(
        parts.critic.parameters(), name, params["lr_d"], betas, params["weight_decay"]
    )
    return g_optimizer, d_optimizer


def build_model(
    model_class: type[ModelT], context: genbench.BuildContext, **family_args: Any
) -> ModelT:
    """A `model_class` on fresh parts with the optimisers, batch size and n_critic the common
    parameters ask for; `family_args` are the family's own constructor arguments."""
    params = context.params
    check_common(params)
    parts = build_parts(context)
    return model_class(
        parts.generator,
        parts.critic,
        parts.prior,
        *build_optimizers(parts, params),
        batch_size=params["batch_size"],
        n_critic=params["n_critic"],
        ema=params["ema"],
        **family_args,
    )


def check_common(params: dict[str, Any]) -> None:
    """The common parameters that constrain each other, checked before anything is built."""
    batch_size, packing = params["batch_size"], params["packing"]
    if batch_size % packing:
        raise genbench.UserError(
            f"batch_size {batch_size} is not a multiple of packing {packing}: the critic judges "
            f"groups of {packing} samples; use batch_size = {batch_size - batch_size % packing}"
            f" or {batch_size + packing - batch_size % packing}"
        )
    if params["ema"] >= 1.0:
        raise genbench.UserError(
            f"ema {params['ema']} must be below 1 (a decay such as 0.999), or 0 to turn it off"
        )
