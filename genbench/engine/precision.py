"""bfloat16 training (`[benchmark] precision = "bf16"`): the networks' forward passes under
bfloat16 autocast, the losses in float32.

Only the generator's and the critic's forward passes run under autocast, and each returns its
output in float32; everything between and after them (the prior, the divergences, penalties,
the means the losses take) runs outside autocast on float32 values. Under autocast a loss
would be computed from bfloat16 critic values (8 bits of mantissa): a conjugate f* or a
log-ratio of such values, or the difference of two large means, keeps few correct digits, and
the logged losses would not compare with a float32 run's. Weights and optimiser states stay
float32.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import torch
from torch import nn

from genbench.api.adversarial import AdversarialModel


@contextmanager
def networks_in_bf16(model: AdversarialModel) -> Iterator[None]:
    """Inside the block, the model's generator and critic run their training forward passes
    under bfloat16 autocast and return float32; after it, as they were."""
    device_type = next(model.parameters()).device.type
    networks = list({id(n): n for n in (model.generator, model.critic)}.values())
    previous = [vars(network).get("forward") for network in networks]
    for network in networks:
        vars(network)["forward"] = TrainingForwardInBf16(network, device_type)
    try:
        yield
    finally:
        for network, forward in zip(networks, previous, strict=True):
            if forward is None:
                del vars(network)["forward"]
            else:
                vars(network)["forward"] = forward


class TrainingForwardInBf16:
    """A network's `forward` for a bf16 run: in training mode under bfloat16 autocast, with a
    floating output returned as float32 for the loss; in evaluation mode (the samples of an
    `every` curve) as it was, so metrics are scored on float32 samples.

    It keeps the network and its own `forward` as attributes, not in a closure, so a deep copy
    of the network (a weight average) gets a forward that calls the copy's weights."""

    def __init__(self, network: nn.Module, device_type: str) -> None:
        self.network = network
        self.forward = network.forward
        self.device_type = device_type

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if not self.network.training:
            return self.forward(*args, **kwargs)
        with torch.autocast(self.device_type, dtype=torch.bfloat16):
            output = self.forward(*args, **kwargs)
        if isinstance(output, torch.Tensor) and output.is_floating_point():
            return output.float()
        return output
