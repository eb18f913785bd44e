"""`dcgan`: the DCGAN generator and discriminator (Radford et al. 2016), for square images.

The paper's guidelines, kept as written: no pooling, strided convolutions in D and strided
transposed convolutions in G; batch norm in G (not on its output) and in D (not on its
input); ReLU in G with tanh on the output; LeakyReLU 0.2 in D; weights from N(0, 0.02^2).
G projects z to a (c0, s0, s0) block (a transposed convolution from 1x1, i.e. the paper's
"projection and reshape") and doubles the side k times up to the image, halving the
channels; D mirrors it and ends with one convolution over the s0 x s0 block.

Sizes: the side is halved until it falls below 8, so 28 -> 14 -> 7 (k = 2, s0 = 7) and
32 -> 16 -> 8 -> 4 (k = 3, s0 = 4, the paper's 4x4 start; 64 gives k = 4). With width w,
c0 = w 2^(k-1): 28x28 runs 7x7x128 -> 14x14x64 -> 28x28, 32x32 runs 4x4x256 -> 8x8x128 ->
16x16x64 -> 32x32, the layout of WGAN-GP's released DCGAN networks for MNIST and CIFAR-10.

Conditional pairs (`NetworkRequest.num_classes`): the class one-hot appended to z (Mirza &
Osindero 2014), and a projection or AC-GAN head on the features of D's last block summed
over its positions (`genbench_networks.conditional`); the head keeps torch's initialisation.
"""

from __future__ import annotations

import torch
from torch import nn

from genbench import UserError
from genbench.api.network import NetworkPair, NetworkRequest
from genbench_networks.conditional import ClassHead, OneHotGenerator
from genbench_networks.layers import normal_init

KERNEL = 4


def layout(side: int) -> tuple[int, int]:
    """(k, s0): how many times the side doubles from s0 in G (halves in D), s0 in [4, 8)."""
    k, start = 0, side
    while start >= 8 and start % 2 == 0:
        start //= 2
        k += 1
    if k == 0 or start >= 8:
        raise UserError(
            f"network 'dcgan' makes square images whose side halves down to 4-7 (28, 32, 64, "
            f"...), not side {side}; use another network or resize the data"
        )
    return k, start


def _image_side(shape: tuple[int, ...]) -> int:
    if len(shape) != 3 or shape[1] != shape[2]:
        raise UserError(
            f"network 'dcgan' needs square images (C, H, H), not samples shaped {shape}; "
            "for points use network = 'pacgan-mlp' or 'toy-mlp'"
        )
    return shape[1]


def _critic_norm(kind: str, channels: int) -> nn.Module:
    if kind == "batch":
        return nn.BatchNorm2d(channels)
    if kind == "layer":
        return nn.GroupNorm(1, channels)  # over (C, H, W) of each sample, per-channel gain
    return nn.Identity()


class DCGANGenerator(nn.Module):
    def __init__(self, latent_dim: int, shape: tuple[int, ...], width: int) -> None:
        super().__init__()
        k, start = layout(_image_side(shape))
        channels = width * 2 ** (k - 1)
        layers: list[nn.Module] = [
            nn.ConvTranspose2d(latent_dim, channels, start, 1, 0, bias=False),
            nn.BatchNorm2d(channels),
            nn.ReLU(),
        ]
        for _ in range(k - 1):
            layers += [
                nn.ConvTranspose2d(channels, channels // 2, KERNEL, 2, 1, bias=False),
                nn.BatchNorm2d(channels // 2),
                nn.ReLU(),
            ]
            channels //= 2
        layers += [nn.ConvTranspose2d(channels, shape[0], KERNEL, 2, 1), nn.Tanh()]
        self.net = nn.Sequential(*layers)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z.view(*z.shape, 1, 1))


class DCGANCritic(nn.Module):
    def __init__(self, shape: tuple[int, ...], width: int, norm: str, slope: float) -> None:
        super().__init__()
        k, start = layout(_image_side(shape))
        channels = width
        layers: list[nn.Module] = [nn.Conv2d(shape[0], width, KERNEL, 2, 1), nn.LeakyReLU(slope)]
        for _ in range(k - 1):
            layers += [
                nn.Conv2d(channels, channels * 2, KERNEL, 2, 1, bias=norm == "none"),
                _critic_norm(norm, channels * 2),
                nn.LeakyReLU(slope),
            ]
            channels *= 2
        layers.append(nn.Conv2d(channels, 1, start, 1, 0))
        self.net = nn.Sequential(*layers)
        self.features = channels  # of the last block, which the final convolution reads

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x).flatten()


class ConditionalDCGANCritic(nn.Module):
    """(inputs, labels) -> a `DCGANCritic`'s value with a class head (`ClassHead`) on the
    features of its last block, summed over positions."""

    def __init__(self, critic: DCGANCritic, num_classes: int, conditioning: str) -> None:
        super().__init__()
        self.body = critic
        self.head = ClassHead(critic.features, num_classes, conditioning)

    def forward(self, x: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        block = self.body.net[:-1](x)
        value = self.body.net[-1](block).flatten()
        return self.head.combine(value, block.sum(dim=(2, 3)), labels)


def build(request: NetworkRequest) -> NetworkPair:
    p = request.params
    classes = request.num_classes
    generator = DCGANGenerator(request.latent_dim + classes, request.sample_shape, p["width"])
    critic = DCGANCritic(request.critic_shape, p["width"], p["critic_norm"], p["slope"])
    normal_init(generator, p["init_std"])
    normal_init(critic, p["init_std"])
    if not classes:
        return NetworkPair(generator, critic)
    return NetworkPair(
        OneHotGenerator(classes, generator),
        ConditionalDCGANCritic(critic, classes, request.conditioning),
    )
