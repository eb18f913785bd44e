"""Parts every GAN-style family builds alike: networks, prior, optimisers, packing and the
generator's weight average.

Other families (f-GAN, WGAN, GM-GAN) declare `genbench_gan.catalog.common_params(...)` with
their own defaults and build through `build_model` (for a `GANModel`) or `build_parts` and
`build_optimizers`, so that any network, prior, optimiser, batch, n_critic, packing or EMA
setting can be overridden per entry in the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

import torch
from torch import nn

import genbench
from genbench.api.conditioning import LabelContext
from genbench_gan.augment import AugmentedCritic, AugmentSettings
from genbench_gan.conditioning import ConditionalCritic
from genbench_gan.ema import WeightAverage
from genbench_gan.packing import PackedCritic
from genbench_gan.penalties import CriticPenalties

FUSED_DEVICES = ("cpu", "cuda")
AUTO_NETWORKS = {"image": "mnist-mlp", "points": "toy-mlp"}


class GANModel(genbench.AdversarialModel):
    """The base of the GAN-style families: the critic's loss is the family's objective
    (`objective_loss`) plus the critic regularisers the entry asks for (`penalties`), the
    generator's is the family's (`objective_generator_loss`); with AC-GAN's head both add
    `ac_weight` times the classification loss of the critic's calls in the objective
    (`conditioning`). An optional exponential moving average of G's weights (`ema`) is
    updated after every generator step and sampled from at evaluation; it is a submodule, so
    every checkpoint keeps it."""

    def __init__(
        self,
        *args: Any,
        ema: float = 0.0,
        penalties: CriticPenalties | None = None,
        classifier: ConditionalCritic | None = None,
        ac_weight: float = 1.0,
        network_hook: Callable[[], None] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.generator_average = WeightAverage(self.generator, ema) if ema > 0 else None
        self.ema_decay = ema if ema > 0 else None
        self.penalties = penalties
        self.classifier = classifier
        self.ac_weight = ac_weight
        self.network_hook = network_hook

    def critic_loss(self, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
        loss = self._with_class_loss(self.objective_loss(real, fake))
        if self.penalties is None:
            return loss
        loss = loss + self.penalties(self.critic, real, fake)
        if self.classifier is not None:
            self.classifier.class_loss()  # a penalty's calls are not classified: dropped
        return loss

    def objective_loss(self, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
        """The family's critic loss, before regularisers."""
        raise NotImplementedError

    def generator_loss(self, fake: torch.Tensor) -> torch.Tensor:
        return self._with_class_loss(self.objective_generator_loss(fake))

    def objective_generator_loss(self, fake: torch.Tensor) -> torch.Tensor:
        """The family's generator loss."""
        raise NotImplementedError

    def _with_class_loss(self, loss: torch.Tensor) -> torch.Tensor:
        if self.classifier is None:
            return loss
        class_loss = self.classifier.class_loss()
        return loss if class_loss is None else loss + self.ac_weight * class_loss

    def critic_values(
        self, real: torch.Tensor, fake: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """As the contract's, and an augmenting critic's ADA controller sees the real values."""
        values = super().critic_values(real, fake)
        if isinstance(self.critic, AugmentedCritic):
            self.critic.observe(values[0], len(real))
        return values

    def before_generator_step(self) -> None:
        if self.network_hook is not None:
            self.network_hook()

    def after_generator_step(self) -> None:
        if self.generator_average is not None:
            self.generator_average.update(self.generator)

    @property
    def sampler(self) -> nn.Module:
        if self.generator_average is not None:
            return self.generator_average.average
        return self.generator


ModelT = TypeVar("ModelT", bound=GANModel)


@dataclass
class Parts:
    generator: nn.Module
    critic: nn.Module
    prior: genbench.LatentPrior
    labels: LabelContext | None = None
    classifier: ConditionalCritic | None = None
    network_hook: Callable[[], None] | None = None


def build_parts(context: genbench.BuildContext) -> Parts:
    """Networks and prior on the context's device, as the common parameters ask."""
    params: dict[str, Any] = context.params
    shape, packing = context.sample_shape, params.get("packing", 1)
    kind = "image" if len(shape) == 3 else "points"
    network = context.registry.get("network", params.get("network") or AUTO_NETWORKS[kind])
    network_params = genbench.resolve_params(
        network.params,
        params.get("network_params", {}),
        f"network {network.name!r}",
        "network_params.",
    )
    latent_dim = params["latent_dim"] or network.latent_dim
    conditional = bool(params.get("conditional"))
    num_classes = _classes(context, network, packing) if conditional else 0
    conditioning = params.get("conditioning", "projection")
    pair = network.build(
        genbench.NetworkRequest(
            shape,
            genbench.api.packed_shape(shape, packing),
            latent_dim,
            network_params,
            num_classes,
            conditioning,
        )
    )
    generator, critic = pair.generator, pair.critic
    labels = LabelContext(num_classes) if conditional else None
    classifier = None
    if labels is not None:
        critic = classifier = ConditionalCritic(critic, labels, conditioning == "auxiliary")
    if params.get("spectral_norm", False):
        critic = spectral_normalised(critic)
    if packing > 1:
        critic = PackedCritic(critic, packing)
    if params.get("augment"):
        critic = _augmented(critic, params["augment"], shape)
    prior_item = context.registry.get("prior", params["prior"])
    prior_params = genbench.resolve_params(
        prior_item.params, params["prior_params"], f"prior {prior_item.name!r}", "prior_params."
    )
    prior = prior_item.build(latent_dim, prior_params)
    device = context.device
    return Parts(
        generator.to(device),
        critic.to(device),
        prior.to(device),
        labels,
        classifier if conditioning == "auxiliary" else None,
        pair.before_generator_step,
    )


def _classes(context: genbench.BuildContext, network: genbench.Network, packing: int) -> int:
    """The number of classes a conditional entry generates, once its data, network and
    packing are checked to allow it."""
    if context.class_frequencies is None:
        raise genbench.UserError(
            "conditional = true needs a dataset with class labels (mnist, fashion-mnist, "
            "cifar10, an image-folder with class folders); this one has none"
        )
    if not network.conditional:
        registry = context.registry
        able = [n for n in registry.names("network") if registry.get("network", n).conditional]
        raise genbench.UserError(
            f"network {network.name!r} has no class-conditional form; use network = "
            f"{' or '.join(map(repr, able))}, or conditional = false"
        )
    if packing > 1:
        raise genbench.UserError(
            f"conditional = true with packing = {packing}: a packed critic judges samples of "
            f"different classes as one input; set packing = 1"
        )
    return len(context.class_frequencies)


def _augmented(critic: nn.Module, table: dict[str, Any], shape: tuple[int, ...]) -> nn.Module:
    if len(shape) != 3:
        raise genbench.UserError(
            f"augment: DiffAugment's transforms work on images (C, H, W), not samples shaped "
            f"{shape}; remove the augment table for point data"
        )
    settings = AugmentSettings(
        tuple(table["policy"]), table["ada_target"], table["ada_images"], table["ada_interval"]
    )
    return AugmentedCritic(critic, settings)


def spectral_normalised(critic: nn.Module) -> nn.Module:
    """Every linear and convolution layer of `critic` divided by its largest singular value
    (Miyato et al. 2018), estimated by one power iteration per forward pass in training;
    layers a network normalised already (sngan-resnet's) are left as they are."""
    layers = nn.Linear | nn.Conv2d | nn.ConvTranspose2d | nn.Embedding
    for module in list(critic.modules()):
        if isinstance(module, layers) and not nn.utils.parametrize.is_parametrized(module):
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
    model = model_class(
        parts.generator,
        parts.critic,
        parts.prior,
        *build_optimizers(parts, params),
        batch_size=params["batch_size"],
        n_critic=params["n_critic"],
        ema=params["ema"],
        penalties=CriticPenalties.of(params),
        classifier=parts.classifier,
        ac_weight=params.get("ac_weight", 1.0),
        network_hook=parts.network_hook,
        **family_args,
    )
    if parts.labels is not None and context.class_frequencies is not None:
        model.make_conditional(parts.labels, context.class_frequencies.to(context.device))
    return model


def check_common(params: dict[str, Any]) -> None:
    """The common parameters that constrain each other, checked before anything is built."""
    batch_size, packing = params["batch_size"], params["packing"]
    if batch_size % packing:
        raise genbench.UserError(
            f"batch_size {batch_size} is not a multiple of packing {packing}: the critic judges "
            f"groups of {packing} samples; use batch_size = {batch_size - batch_size % packing}"
            f" or {batch_size + packing - batch_size % packing}"
        )
