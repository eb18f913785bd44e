"""`biggan`: the generator and discriminator of BigGAN (Brock et al. 2019) for 32x32 and 64x64
images, laid out as the authors' code (ajbrock/BigGAN-PyTorch, `BigGAN.py` and `layers.py`)
builds them with a shared class embedding and a hierarchical latent.

G: z is cut into one chunk per residual block plus one; the first chunk goes through a linear
layer to a (16 w or 4 w, 4, 4) block. Each residual block (conditional batch norm, ReLU,
nearest-neighbour upsampling, 3x3 convolution, conditional batch norm, ReLU, 3x3 convolution;
the skip upsampled through a 1x1) doubles the side; its batch norms take their gain (1 + ...)
and bias from bias-free linear maps of its chunk of z concatenated with the class's shared
embedding (`shared_dim` numbers). Then batch norm, ReLU, a 3x3 convolution and tanh.
D: "wide" residual blocks (3x3 convolutions to the block's output width, average pooling where
the side halves, a 1x1 skip where the width or side changes), each but the first starting
with a ReLU; then ReLU, a sum over positions and a linear layer to one value, to which the
projection of the features on the class's embedding is added (or beside which an auxiliary
classifier's logits are put: `conditional.ClassHead`). Self-attention (SAGAN's non-local
layer) follows each block of G and D whose output has the side `attention` names.

The layouts are the reference's `G_arch` / `D_arch` with w = the width:
- 32 x 32: G 4w through three blocks; D blocks 3 -> 4w, 4w, 4w, 4w, halving the side in the
  first two.
- 64 x 64: G 16w -> 16w, 8w, 4w, 2w; D blocks 3 -> w, 2w, 4w, 8w, 16w, halving the side in all
  but the last.

Every convolution and linear layer of both networks is spectrally normalised, and D's class
embedding too; G's shared embedding is left plain, as the reference leaves it (it found that
normalising it hurts G). Weights start orthogonal, the reference's default 'ortho' init;
biases keep torch's init. The reference's own spectral norm keeps its singular vectors in
buffers, as torch's does, so the parameter counts are the reference's (tests/test_biggan.py
lists them). With `ortho` > 0, BigGAN's orthogonal regularisation acts on G's gradients before
each of its steps (`NetworkPair.before_generator_step`, `orthogonal_regulariser`).

The defaults are the reference's CIFAR-10 script's (widths 64, no attention) but for what
makes the network BigGAN rather than SAGAN, which that script trains: the shared embedding,
the hierarchical latent, orthogonal init (the script draws N(0, 0.02)) and the paper's
orthogonal regularisation, 1e-4 (the reference's scripts turn it off).

An unconditional pair (`num_classes` 0) is BigGAN with one class: every label is 0. An
auxiliary head (AC-GAN) is this project's, not the reference's. G makes as many channels as
the samples have (the reference: 3). Where the reference differs:
- it shrinks its latent to a multiple of the chunk count (125 at 64x64 for 128); here the
  latent keeps its size and its last latent_dim mod (blocks + 1) numbers go unused, as they
  would in the reference given the full z;
- its 32x32 D labels all four blocks side 16 (their outputs are 16, 8, 8, 8), so its
  D_attn = '16' puts attention after every block; here it goes where the side is 16.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import nn

from genbench import UserError
from genbench.api.network import NetworkPair, NetworkRequest
from genbench_networks.conditional import ClassHead

START = 4
"""The side of G's first block."""
GENERATOR_WIDTHS = {32: (4, 4, 4, 4), 64: (16, 16, 8, 4, 2)}
"""Image side -> G's channels in widths: the first block's input, then each block's output."""
CRITIC_BLOCKS = {
    32: ((4, True), (4, True), (4, False), (4, False)),
    64: ((1, True), (2, True), (4, True), (8, True), (16, False)),
}
"""Image side -> each block of D: its output channels in widths, whether it halves the side."""


def _generator_sides(side: int) -> list[int]:
    """The side of each block's output in G."""
    return [START << (i + 1) for i in range(len(GENERATOR_WIDTHS[side]) - 1)]


def _critic_sides(side: int) -> list[int]:
    """The side of each block's output in D."""
    sides = []
    for _, downsample in CRITIC_BLOCKS[side]:
        side //= 2 if downsample else 1
        sides.append(side)
    return sides


def _conv(channels_in: int, channels_out: int, kernel: int, bias: bool = True) -> nn.Conv2d:
    return nn.Conv2d(channels_in, channels_out, kernel, 1, kernel // 2, bias=bias)


def _upsample(x: torch.Tensor) -> torch.Tensor:
    return F.interpolate(x, scale_factor=2, mode="nearest")


class ConditionalBatchNorm(nn.Module):
    """Batch norm whose gain 1 + A c and bias B c are linear in a per-sample vector c (the
    class's shared embedding and a chunk of z): the reference's `ccbn` with a shared
    embedding and a hierarchical latent."""

    def __init__(self, channels: int, condition: int) -> None:
        super().__init__()
        self.norm = nn.BatchNorm2d(channels, affine=False)
        self.gain = nn.Linear(condition, channels, bias=False)
        self.bias = nn.Linear(condition, channels, bias=False)

    def forward(self, x: torch.Tensor, condition: torch.Tensor) -> torch.Tensor:
        gain = 1 + self.gain(condition)[:, :, None, None]
        return self.norm(x) * gain + self.bias(condition)[:, :, None, None]


class SelfAttention(nn.Module):
    """SAGAN's non-local layer as the reference implements it: 1x1 convolutions to queries
    (C/8), keys (C/8) and values (C/2), keys and values max-pooled to a quarter of the
    positions, softmax attention, a 1x1 convolution back to C channels, added to the input
    times a learnt gain that starts at 0 (so the layer starts as the identity)."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.query = _conv(channels, channels // 8, 1, bias=False)
        self.key = _conv(channels, channels // 8, 1, bias=False)
        self.value = _conv(channels, channels // 2, 1, bias=False)
        self.out = _conv(channels // 2, channels, 1, bias=False)
        self.gamma = nn.Parameter(torch.tensor(0.0))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        query = self.query(x).flatten(2)
        key = F.max_pool2d(self.key(x), 2).flatten(2)
        value = F.max_pool2d(self.value(x), 2).flatten(2)
        attention = torch.softmax(query.transpose(1, 2) @ key, dim=-1)
        attended = (value @ attention.transpose(1, 2)).view(len(x), -1, *x.shape[2:])
        return x + self.gamma * self.out(attended)


class GeneratorBlock(nn.Module):
    """Conditional BN, ReLU, upsample, conv 3x3, conditional BN, ReLU, conv 3x3; the skip
    upsampled through a 1x1; then self-attention if asked."""

    def __init__(self, channels_in: int, channels_out: int, condition: int, attend: bool) -> None:
        super().__init__()
        self.norm1 = ConditionalBatchNorm(channels_in, condition)
        self.conv1 = _conv(channels_in, channels_out, 3)
        self.norm2 = ConditionalBatchNorm(channels_out, condition)
        self.conv2 = _conv(channels_out, channels_out, 3)
        self.skip = _conv(channels_in, channels_out, 1)
        self.attention = SelfAttention(channels_out) if attend else None

    def forward(self, x: torch.Tensor, condition: torch.Tensor) -> torch.Tensor:
        h = self.conv1(_upsample(F.relu(self.norm1(x, condition))))
        h = self.conv2(F.relu(self.norm2(h, condition)))
        h = h + self.skip(_upsample(x))
        return h if self.attention is None else self.attention(h)


class CriticBlock(nn.Module):
    """(ReLU,) conv 3x3, ReLU, conv 3x3, both to the output width (a "wide" block), then
    average pooling where the side halves; the skip through a 1x1 where the width or the side
    changes, pooled after it (before it in the first block, which has no leading ReLU); then
    self-attention if asked."""

    def __init__(
        self, channels_in: int, channels_out: int, downsample: bool, first: bool, attend: bool
    ) -> None:
        super().__init__()
        self.first, self.downsample = first, downsample
        self.conv1 = _conv(channels_in, channels_out, 3)
        self.conv2 = _conv(channels_out, channels_out, 3)
        learnable = downsample or channels_in != channels_out
        self.skip = _conv(channels_in, channels_out, 1) if learnable else None
        self.attention = SelfAttention(channels_out) if attend else None

    def _pool(self, x: torch.Tensor) -> torch.Tensor:
        return F.avg_pool2d(x, 2) if self.downsample else x

    def _shortcut(self, x: torch.Tensor) -> torch.Tensor:
        if self.skip is None:
            return x
        return self.skip(self._pool(x)) if self.first else self._pool(self.skip(x))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.conv1(x if self.first else F.relu(x))
        h = self._pool(self.conv2(F.relu(h))) + self._shortcut(x)
        return h if self.attention is None else self.attention(h)


def _prepare(network: nn.Module, spectral_norm: bool, plain: nn.Module | None = None) -> None:
    """Orthogonal weights in every layer (the reference's default init), then spectral norm on
    each but `plain`, so torch's first power iteration starts from the initialised weights."""
    for module in network.modules():
        if isinstance(module, nn.Conv2d | nn.Linear | nn.Embedding):
            nn.init.orthogonal_(module.weight)
            if spectral_norm and module is not plain:
                nn.utils.parametrizations.spectral_norm(module)


class BigGANGenerator(nn.Module):
    """z (B, latent_dim) and labels (B,) -> images; the layout is the module's docstring's."""

    def __init__(
        self,
        latent_dim: int,
        shape: tuple[int, ...],
        width: int,
        shared_dim: int,
        num_classes: int,
        attention: int,
        spectral_norm: bool,
    ) -> None:
        super().__init__()
        channels = [width * m for m in GENERATOR_WIDTHS[shape[1]]]
        blocks = len(channels) - 1
        self.chunk = latent_dim // (blocks + 1)
        self.shared = nn.Embedding(num_classes, shared_dim)
        self.linear = nn.Linear(self.chunk, channels[0] * START**2)
        self.blocks = nn.ModuleList(
            GeneratorBlock(c_in, c_out, shared_dim + self.chunk, side == attention)
            for c_in, c_out, side in zip(
                channels[:-1], channels[1:], _generator_sides(shape[1]), strict=True
            )
        )
        self.norm = nn.BatchNorm2d(channels[-1])
        self.out = _conv(channels[-1], shape[0], 3)
        _prepare(self, spectral_norm, plain=self.shared)

    def forward(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        """Images (B, *shape) in [-1, 1] of the classes `labels` (B,) asks; None: class 0
        (the unconditional pair's one class)."""
        if labels is None:
            labels = torch.zeros(len(z), dtype=torch.long, device=z.device)
        chunks = z.split(self.chunk, dim=1)
        embedded = self.shared(labels)
        h = self.linear(chunks[0]).view(len(z), -1, START, START)
        for block, chunk in zip(self.blocks, chunks[1:], strict=False):
            h = block(h, torch.cat((embedded, chunk), dim=1))
        return torch.tanh(self.out(F.relu(self.norm(h))))

    def ortho_weights(self) -> list[nn.Parameter]:
        """The weights orthogonal regularisation acts on, as the reference's training loop
        picks them: every parameter of two or more axes but the shared embedding's."""
        shared = {id(p) for p in self.shared.parameters()}
        return [p for p in self.parameters() if p.dim() >= 2 and id(p) not in shared]


class BigGANCritic(nn.Module):
    """Images, perhaps packed (more channels), and labels -> values; see the module's
    docstring."""

    def __init__(
        self,
        shape: tuple[int, ...],
        width: int,
        num_classes: int,
        conditioning: str,
        attention: int,
        spectral_norm: bool,
    ) -> None:
        super().__init__()
        plan = CRITIC_BLOCKS[shape[1]]
        channels = [shape[0], *(width * m for m, _ in plan)]
        sides = _critic_sides(shape[1])
        self.blocks = nn.Sequential(
            *(
                CriticBlock(channels[i], channels[i + 1], down, i == 0, sides[i] == attention)
                for i, (_, down) in enumerate(plan)
            )
        )
        self.linear = nn.Linear(channels[-1], 1)
        # Normalised with the other layers below, after the orthogonal init.
        self.head = ClassHead(channels[-1], num_classes, conditioning, spectral_norm=False)
        _prepare(self, spectral_norm)

    def forward(self, x: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        """Values (B,) with the projection on the classes `labels` asks (None: class 0), or
        (B, 1 + K) with an auxiliary head."""
        if labels is None:
            labels = torch.zeros(len(x), dtype=torch.long, device=x.device)
        h = F.relu(self.blocks(x)).sum(dim=(2, 3))
        return self.head.combine(self.linear(h).flatten(), h, labels)


def orthogonal_regulariser(weights: list[nn.Parameter], strength: float) -> Callable[[], None]:
    """BigGAN's modified orthogonal regularisation, applied as the reference does: straight to
    the gradients, adding 2 strength (W W^T * (1 - I)) W to each weight W's (flattened to its
    first axis by the rest), which is the gradient of (strength / 2) ||W W^T * (1 - I)||_F^2
    (the paper writes the penalty with beta = strength, the code differentiates half of it).
    It drops the diagonal, so it pulls the filters apart without fixing their norms."""

    @torch.no_grad()
    def regularise() -> None:
        for weight in weights:
            if weight.grad is None:
                continue
            w = weight.flatten(1)
            gram = w @ w.T
            gram.fill_diagonal_(0)
            weight.grad.add_((gram @ w).view_as(weight), alpha=2 * strength)

    return regularise


def _check(request: NetworkRequest) -> None:
    shape, attention = request.sample_shape, request.params["attention"]
    if len(shape) != 3 or shape[1] != shape[2] or shape[1] not in GENERATOR_WIDTHS:
        raise UserError(
            f"network 'biggan' makes 32x32 or 64x64 images (the reference's layouts), not "
            f"samples shaped {shape}; resize the data (image-folder's size) or use network = "
            f"'dcgan'"
        )
    sides = sorted({*_generator_sides(shape[1]), *_critic_sides(shape[1])})
    if attention and attention not in sides:
        raise UserError(
            f"network 'biggan' at {shape[1]}x{shape[1]} has blocks at sides {sides}, not "
            f"{attention}; set network_params.attention to one of those or 0 (none)"
        )
    slots = len(GENERATOR_WIDTHS[shape[1]])
    if request.latent_dim < slots:
        raise UserError(
            f"network 'biggan' at {shape[1]}x{shape[1]} cuts z into {slots} chunks, one per "
            f"block and one for its first layer, so it needs latent_dim >= {slots}, not "
            f"{request.latent_dim}; raise latent_dim (BigGAN's is 128)"
        )


def build(request: NetworkRequest) -> NetworkPair:
    _check(request)
    p = request.params
    classes = max(request.num_classes, 1)
    conditioning = request.conditioning if request.num_classes else "projection"
    generator = BigGANGenerator(
        request.latent_dim,
        request.sample_shape,
        p["generator_width"],
        p["shared_dim"],
        classes,
        p["attention"],
        p["spectral_norm"],
    )
    critic = BigGANCritic(
        request.critic_shape,
        p["critic_width"],
        classes,
        conditioning,
        p["attention"],
        p["spectral_norm"],
    )
    step = orthogonal_regulariser(generator.ortho_weights(), p["ortho"]) if p["ortho"] else None
    return NetworkPair(generator, critic, step)
