"""`sngan-resnet`: the ResNet generator and discriminator of SNGAN (Miyato et al. 2018), as in
the authors' code (pfnet-research/sngan_projection) and mimicry's port.

G: a linear layer to a (width, s, s) block, three residual blocks that double the side (batch
norm, ReLU, nearest-neighbour upsampling, 3x3 convolutions, a 1x1 convolution on the skip),
batch norm, ReLU, a 3x3 convolution and tanh. D: residual blocks of ReLU and 3x3 convolutions
(the first without a leading ReLU), average pooling where they halve the side, then ReLU, a
sum over positions and a linear layer, every convolution and the linear layer spectrally
normalised. The two published layouts:

- 32 x 32 (CIFAR-10): s = 4, G keeps `generator_width` channels through its three blocks; D's
  four blocks keep `critic_width`, halving the side in the first two. Widths 256 and 128 with
  a 128-d latent give 4,276,739 parameters in G and 1,053,825 in D, the reference counts.
- 48 x 48 (STL-10): s = 6, G halves its channels in each block (512 -> 64 in the paper); D's
  five blocks go from critic_width/16 to critic_width (1024 in the paper), halving the side in
  all but the last.

Conditional pairs (`NetworkRequest.num_classes`) are SNGAN-projection's (Miyato & Koyama
2018): G's residual blocks use class-conditional batch norm (per-class gains and biases; its
last batch norm stays plain, as the reference's), and D adds the projection of its summed
features on a spectrally normalised class embedding, or AC-GAN's class logits.

Initialisation as the reference: Xavier-uniform, gain sqrt(2) in the residual paths and 1 in
the skips and the linear layers; biases 0. The authors upsample by nearest neighbour
(Chainer's unpooling); mimicry's port uses bilinear; the layout and counts are the same.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from genbench import UserError
from genbench.api.network import NetworkPair, NetworkRequest
from genbench_networks.conditional import CategoricalBatchNorm2d, ClassHead

SIDES = {32: 4, 48: 6}
"""Image side -> the side of G's first block."""


def _xavier(layer: nn.Conv2d | nn.Linear, gain: float) -> nn.Module:
    nn.init.xavier_uniform_(layer.weight, gain)
    if layer.bias is not None:
        nn.init.zeros_(layer.bias)
    return layer


def _conv(channels_in: int, channels_out: int, kernel: int, gain: float) -> nn.Module:
    return _xavier(nn.Conv2d(channels_in, channels_out, kernel, 1, kernel // 2), gain)


class GeneratorBlock(nn.Module):
    """BN, ReLU, upsample, conv 3x3, BN, ReLU, conv 3x3; the skip upsampled through a 1x1.
    With classes, both batch norms are class-conditional."""

    def __init__(self, channels_in: int, channels_out: int, num_classes: int = 0) -> None:
        super().__init__()
        self.norm1 = _norm(channels_in, num_classes)
        self.conv1 = _conv(channels_in, channels_out, 3, math.sqrt(2))
        self.norm2 = _norm(channels_out, num_classes)
        self.conv2 = _conv(channels_out, channels_out, 3, math.sqrt(2))
        self.skip = _conv(channels_in, channels_out, 1, 1.0)

    def forward(self, x: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        h = F.interpolate(F.relu(_normed(self.norm1, x, labels)), scale_factor=2, mode="nearest")
        h = self.conv2(F.relu(_normed(self.norm2, self.conv1(h), labels)))
        return h + self.skip(F.interpolate(x, scale_factor=2, mode="nearest"))


def _norm(channels: int, num_classes: int) -> nn.Module:
    if num_classes:
        return CategoricalBatchNorm2d(channels, num_classes)
    return nn.BatchNorm2d(channels)


def _normed(norm: nn.Module, x: torch.Tensor, labels: torch.Tensor | None) -> torch.Tensor:
    out: torch.Tensor = norm(x) if labels is None else norm(x, labels)
    return out


class CriticBlock(nn.Module):
    """(ReLU,) conv 3x3, ReLU, conv 3x3 (, average pool); the skip through a 1x1 where the
    channels or the side change. The first block of D starts without the ReLU and pools the
    skip before its 1x1 (the reference's "optimised" block)."""

    def __init__(self, channels_in: int, channels_out: int, downsample: bool, first: bool) -> None:
        super().__init__()
        self.first, self.downsample = first, downsample
        hidden = channels_out if first else channels_in
        self.conv1 = _conv(channels_in, hidden, 3, math.sqrt(2))
        self.conv2 = _conv(hidden, channels_out, 3, math.sqrt(2))
        learnable = first or downsample or channels_in != channels_out
        self.skip = _conv(channels_in, channels_out, 1, 1.0) if learnable else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.conv1(x if self.first else F.relu(x))
        h = self.conv2(F.relu(h))
        if self.downsample:
            h = F.avg_pool2d(h, 2)
        if self.skip is None:
            return h + x
        if self.first:
            return h + self.skip(F.avg_pool2d(x, 2))
        skip = self.skip(x)
        return h + (F.avg_pool2d(skip, 2) if self.downsample else skip)


class SNGANGenerator(nn.Module):
    def __init__(
        self, latent_dim: int, shape: tuple[int, ...], width: int, num_classes: int = 0
    ) -> None:
        super().__init__()
        self.start = SIDES[shape[1]]
        channels = [width] * 4 if shape[1] == 32 else [width >> i for i in range(4)]
        self.width = channels[0]
        self.project = _xavier(nn.Linear(latent_dim, self.start**2 * channels[0]), 1.0)
        self.blocks = nn.ModuleList(
            GeneratorBlock(channels[i], channels[i + 1], num_classes) for i in range(3)
        )
        self.norm = nn.BatchNorm2d(channels[-1])
        self.out = _conv(channels[-1], shape[0], 3, 1.0)

    def forward(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        h = self.project(z).view(len(z), self.width, self.start, self.start)
        for block in self.blocks:
            h = block(h, labels)
        h = F.relu(self.norm(h))
        return torch.tanh(self.out(h))


class SNGANCritic(nn.Module):
    def __init__(
        self,
        shape: tuple[int, ...],
        width: int,
        spectral_norm: bool,
        classes: tuple[int, str] = (0, "projection"),
    ) -> None:
        super().__init__()
        if shape[1] == 32:
            plan = [(shape[0], width, True), (width, width, True)]
            plan += [(width, width, False), (width, width, False)]
        else:
            channels = [shape[0], *(width >> i for i in (4, 3, 2, 1, 0))]
            plan = [(channels[i], channels[i + 1], i < 4) for i in range(5)]
        self.blocks = nn.Sequential(
            *(CriticBlock(c_in, c_out, down, i == 0) for i, (c_in, c_out, down) in enumerate(plan))
        )
        self.out = _xavier(nn.Linear(plan[-1][1], 1), 1.0)
        if spectral_norm:
            for module in list(self.modules()):
                if isinstance(module, nn.Conv2d | nn.Linear):
                    nn.utils.parametrizations.spectral_norm(module)
        num_classes, conditioning = classes
        self.head = (
            ClassHead(plan[-1][1], num_classes, conditioning, spectral_norm)
            if num_classes
            else None
        )

    def forward(self, x: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        h = F.relu(self.blocks(x)).sum(dim=(2, 3))
        value = self.out(h).flatten()
        if self.head is None or labels is None:
            return value
        return self.head.combine(value, h, labels)


def _check_shape(shape: tuple[int, ...]) -> None:
    if len(shape) != 3 or shape[1] != shape[2] or shape[1] not in SIDES:
        raise UserError(
            f"network 'sngan-resnet' makes 32x32 or 48x48 images (the paper's CIFAR-10 and "
            f"STL-10 layouts), not samples shaped {shape}; resize the data (image-folder's "
            f"size) or use network = 'dcgan'"
        )


def build(request: NetworkRequest) -> NetworkPair:
    _check_shape(request.sample_shape)
    p = request.params
    classes = request.num_classes
    generator = SNGANGenerator(
        request.latent_dim, request.sample_shape, p["generator_width"], classes
    )
    critic = SNGANCritic(
        request.critic_shape,
        p["critic_width"],
        p["spectral_norm"],
        (classes, request.conditioning),
    )
    return NetworkPair(generator, critic)
