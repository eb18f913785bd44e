"""What genbench_gan registers, described without importing torch: the vanilla GAN, the
standard normal prior, and the parameters every GAN-style family shares.

Families of other plugins (f-GAN, WGAN, GM-GAN) declare `common_params(...)` with their own
defaults, so every entry overrides networks, prior, optimiser, batch and n_critic alike. These
are the training recipe (`recipe=True`): a spec's `[recipe]` table sets them for every entry,
and a table says which entries differ in them.
"""

from __future__ import annotations

from genbench.api import ModelFamily, Param, Prior, lazy

OPTIMIZERS = ("adam", "rmsprop")
CONDITIONINGS = ("projection", "auxiliary")

AUGMENT_POLICIES = ("color", "translation", "cutout")
AUGMENT_FIELDS = (
    Param(
        "policy",
        list(AUGMENT_POLICIES),
        f"DiffAugment's transforms, applied in this order: any of {', '.join(AUGMENT_POLICIES)}",
        rule=lambda value: (
            None
            if value and all(name in AUGMENT_POLICIES for name in value)
            else f"expected a non-empty list of {', '.join(AUGMENT_POLICIES)}"
        ),
    ),
    Param(
        "ada_target",
        0.0,
        "ADA: adapt each transform's probability so that E[sign D(real)] stays at this (the "
        "paper's 0.6); 0: every transform on every sample (DiffAugment)",
        minimum=0.0,
        maximum=1.0,
        maximum_excluded=True,
    ),
    Param(
        "ada_images",
        500_000,
        "ADA: real images over which the probability can go from 0 to 1 (the paper's 500k)",
        minimum=1,
    ),
    Param("ada_interval", 4, "ADA: critic steps between adjustments (the paper's 4)", minimum=1),
)

NETWORK_PARAMS = (
    Param(
        "network",
        None,
        "network family (see `genbench list networks`); auto: mnist-mlp for images, toy-mlp "
        "for points",
        type=str,
        refers_to="network",
        recipe=True,
    ),
    Param("network_params", {}, "parameters of the network, e.g. { width = 64 }", recipe=True),
    Param(
        "latent_dim", None, "latent size; auto: the network's own", type=int, minimum=1, recipe=True
    ),
    Param(
        "prior",
        "normal",
        "latent prior (see `genbench list priors`)",
        refers_to="prior",
        recipe=True,
    ),
    Param("prior_params", {}, "parameters of the prior", recipe=True),
    Param(
        "packing",
        1,
        "the critic judges this many samples at once (PacGAN); batch_size must be a multiple",
        minimum=1,
        recipe=True,
    ),
    Param(
        "spectral_norm",
        False,
        "spectral normalisation of every critic layer (Miyato et al.)",
        recipe=True,
    ),
    Param(
        "augment",
        None,
        'differentiable augmentation of every critic input, e.g. { policy = ["translation", '
        '"cutout"] } (DiffAugment) or { ada_target = 0.6 } (ADA); images only',
        type=dict,
        fields=AUGMENT_FIELDS,
        recipe=True,
    ),
    Param(
        "conditional",
        False,
        "generate on request of a class: the dataset's labels go to G and to D (data with "
        "labels; the networks `genbench list networks` marks conditional)",
        recipe=True,
    ),
    Param(
        "conditioning",
        "projection",
        "how a conditional D uses the labels: projection (Miyato & Koyama 2018) or auxiliary "
        "(AC-GAN's classifier head, Odena et al. 2017)",
        choices=CONDITIONINGS,
        recipe=True,
    ),
    Param(
        "ac_weight",
        1.0,
        "conditioning = auxiliary: weight of the class cross-entropy in both losses",
        minimum=0.0,
        recipe=True,
    ),
    Param(
        "ema",
        0.0,
        "decay of a moving average of G's weights that evaluation uses (e.g. 0.999); 0: off",
        minimum=0.0,
        maximum=1.0,
        maximum_excluded=True,
        recipe=True,
    ),
)

PENALTY_FIELDS = (
    Param(
        "r1",
        0.0,
        "gamma of R1, gamma/2 E||grad v||^2 on real samples (Mescheder et al.)",
        minimum=0.0,
    ),
    Param("r2", 0.0, "gamma of R2, the same on generated samples", minimum=0.0),
    Param(
        "dragan", 0.0, "lambda of DRAGAN's penalty around real samples (Kodali et al.)", minimum=0.0
    ),
    Param("gp", 0.0, "lambda of WGAN-GP's penalty on real-generated interpolates", minimum=0.0),
)


def common_params(
    *,
    optimizer: str = "adam",
    lr_g: float = 2e-4,
    lr_d: float = 2e-4,
    betas: tuple[float, float] = (0.5, 0.999),
    n_critic: int = 1,
    batch_size: int = 64,
) -> tuple[Param, ...]:
    """Network, prior, batch and optimiser parameters, with a family's own defaults."""
    return (
        *NETWORK_PARAMS,
        Param(
            "batch_size", batch_size, "real and generated samples per batch", minimum=1, recipe=True
        ),
        Param("n_critic", n_critic, "critic updates per generator update", minimum=1, recipe=True),
        Param(
            "optimizer", optimizer, "optimiser of both networks", choices=OPTIMIZERS, recipe=True
        ),
        Param("lr_g", lr_g, "generator learning rate", minimum=0.0, recipe=True),
        Param("lr_d", lr_d, "critic learning rate", minimum=0.0, recipe=True),
        Param(
            "betas",
            betas,
            "Adam betas (ignored by rmsprop)",
            minimum=0.0,
            maximum=1.0,
            maximum_excluded=True,
            recipe=True,
        ),
        Param("weight_decay", 0.0, "L2 weight decay on the critic", minimum=0.0, recipe=True),
        Param(
            "penalties",
            None,
            "critic regularisers and their weights, e.g. { r1 = 10 }",
            type=dict,
            fields=PENALTY_FIELDS,
            recipe=True,
        ),
    )


GENERATOR_LOSSES = ("non-saturating", "minimax")

GAN_PARAMS = (
    Param("generator_loss", "non-saturating", "generator objective", choices=GENERATOR_LOSSES),
    *common_params(),
)

GAN = ModelFamily(
    "gan",
    "Vanilla GAN (Goodfellow et al. 2014), non-saturating or minimax generator loss.",
    lazy("genbench_gan.model:build_vanilla_gan"),
    GAN_PARAMS,
)

NORMAL = Prior(
    "normal", "Standard normal N(0, I).", lazy("genbench_gan.priors:build_standard_normal")
)
