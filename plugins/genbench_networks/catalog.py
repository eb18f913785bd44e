"""What each built-in network family is and which parameters it takes; no torch here.

The builders live in `mlp`, `dcgan`, `pacgan`, `sngan` and `biggan` and are imported the first
time a model builds a network of that family.
"""

from __future__ import annotations

from genbench.api.lazy import lazy
from genbench.api.network import Network
from genbench.api.params import Param

INIT_STD = Param(
    "init_std",
    0.02,
    "weights drawn from N(0, init_std^2), biases 0 (0: torch's default)",
    minimum=0,
)


def _mlp_params(
    generator: list[int], critic: list[int], batch_norm: bool = False
) -> tuple[Param, ...]:
    return (
        Param("generator_widths", generator, "hidden layer widths of the generator", type=list),
        Param("critic_widths", critic, "hidden layer widths of the critic", type=list),
        Param("slope", 0.2, "negative slope of the LeakyReLU after each hidden layer", minimum=0),
        Param("batch_norm", batch_norm, "batch norm after each hidden layer of the generator"),
    )


MNIST_MLP = Network(
    "mnist-mlp",
    "The seeds' MNIST MLPs: G 100-256-512-1024-out (tanh on images), D in-1024-512-256-1, "
    "LeakyReLU 0.2.",
    lazy("genbench_networks.mlp:build"),
    _mlp_params([256, 512, 1024], [1024, 512, 256]),
    latent_dim=100,
    conditional=True,
)
MNIST_MLP_SMALL = Network(
    "mnist-mlp-small",
    "A narrower MNIST MLP pair with batch norm in G: G 100-256-512-out, D in-512-256-1. "
    "Sized for CPU minutes: it takes 2.3x the seeds' steps per second and, with batch norm, "
    "leaves noise for digits within 2,000 steps.",
    lazy("genbench_networks.mlp:build"),
    _mlp_params([256, 512], [512, 256], batch_norm=True),
    latent_dim=100,
    conditional=True,
)
TOY_MLP = Network(
    "toy-mlp",
    "A small MLP pair for 2-D points: three hidden layers of 128 units, LeakyReLU 0.2.",
    lazy("genbench_networks.mlp:build"),
    _mlp_params([128, 128, 128], [128, 128, 128]),
    latent_dim=8,
    conditional=True,
)
DCGAN = Network(
    "dcgan",
    "DCGAN (Radford et al. 2016): strided (transposed) convolutions, batch norm and ReLU in G, "
    "LeakyReLU 0.2 in D; square images such as 28x28x1 and 32x32x3.",
    lazy("genbench_networks.dcgan:build"),
    (
        Param("width", 64, "channels of D's first layer and G's last hidden one", minimum=1),
        Param(
            "critic_norm",
            "batch",
            "normalisation in D's hidden layers; layer or none for WGAN-GP (a per-sample penalty)",
            choices=("batch", "layer", "none"),
        ),
        Param("slope", 0.2, "negative slope of D's LeakyReLUs", minimum=0),
        INIT_STD,
    ),
    latent_dim=100,
    conditional=True,
)
PACGAN_MLP = Network(
    "pacgan-mlp",
    "PacGAN / VEEGAN synthetic-data networks: G 4 x 400 ReLU with batch norm, D 3 maxout "
    "layers of 200 units x 5 pieces; latent 2.",
    lazy("genbench_networks.pacgan:build"),
    (
        Param("width", 400, "units of each hidden layer of G", minimum=1),
        Param("depth", 4, "hidden layers of G", minimum=1),
        Param("batch_norm", True, "batch norm before each ReLU of G"),
        Param("critic_width", 200, "units of each maxout layer of D", minimum=1),
        Param("critic_depth", 3, "maxout layers of D", minimum=1),
        Param("pieces", 5, "linear pieces of each maxout unit", minimum=1),
        INIT_STD,
    ),
    latent_dim=2,
)
SNGAN_RESNET = Network(
    "sngan-resnet",
    "SNGAN's ResNets (Miyato et al. 2018) for 32x32 (CIFAR-10) and 48x48 (STL-10) images: "
    "residual G with batch norm, residual D with spectral norm; latent 128.",
    lazy("genbench_networks.sngan:build"),
    (
        Param(
            "generator_width",
            256,
            "channels of G's first block (the paper: 256 at 32x32, 512 at 48x48)",
            minimum=8,
        ),
        Param(
            "critic_width",
            128,
            "channels of D's blocks at 32x32 (the paper's 128); at 48x48 its last block's "
            "(the paper's 1024), the first having a sixteenth",
            minimum=16,
        ),
        Param("spectral_norm", True, "spectral normalisation of every layer of D, as the paper"),
    ),
    latent_dim=128,
    conditional=True,
)
BIGGAN = Network(
    "biggan",
    "BigGAN (Brock et al. 2019) for 32x32 and 64x64 images, as ajbrock/BigGAN-PyTorch: "
    "residual G with a shared class embedding, hierarchical z and conditional batch norm, "
    "projection D, spectral norm in both, orthogonal init; latent 128.",
    lazy("genbench_networks.biggan:build"),
    (
        Param(
            "generator_width",
            64,
            "G's channel unit w (the reference's G_ch, its CIFAR script's 64): 4w at 32x32",
            minimum=8,
        ),
        Param(
            "critic_width",
            64,
            "D's channel unit w (the reference's D_ch, its CIFAR script's 64): 4w at 32x32",
            minimum=8,
        ),
        Param("shared_dim", 128, "size of G's shared class embedding (the reference's)", minimum=1),
        Param(
            "attention",
            0,
            "side of the blocks self-attention follows in G and D; 0: none (the CIFAR script's)",
            minimum=0,
        ),
        Param(
            "ortho",
            1e-4,
            "orthogonal regularisation of G's weights (the paper's 1e-4; the reference's "
            "scripts use 0, off)",
            minimum=0,
        ),
        Param("spectral_norm", True, "spectral normalisation of every layer of G and D"),
    ),
    latent_dim=128,
    conditional=True,
)
NETWORKS = (MNIST_MLP, MNIST_MLP_SMALL, TOY_MLP, DCGAN, PACGAN_MLP, SNGAN_RESNET, BIGGAN)
