"""Mixed-precision training (`[benchmark] precision = "bf16"` or `"fp16"`): the networks'
forward passes under autocast, the losses in float32.

Only the generator's and the critic's forward passes run under autocast, and each returns its
output in float32; everything between and after them (the prior, the divergences, penalties,
the means the losses take) runs outside autocast on float32 values. Under autocast a loss
would be computed from bfloat16 critic values (8 bits of mantissa): a conjugate f* or a
log-ratio of such values, or the difference of two large means, keeps few correct digits, and
the logged losses would not compare with a float32 run's. Weights and optimiser states stay
float32. float16's 5 exponent bits let small gradients underflow, so fp16 scales each loss up
before its backward pass and the gradients down before the optimiser step (one
`torch.amp.GradScaler` per optimiser, as the two networks' gradients differ in size, skipping
a step whose gradients overflowed); bfloat16 keeps float32's exponent range and needs none.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

import torch
from torch import nn

from genbench.api.adversarial import AdversarialModel
from genbench.errors import PluginError

AUTOCAST_DTYPES = {"bf16": torch.bfloat16, "fp16": torch.float16}


class GradientScalers(NamedTuple):
    """The critic's and the generator's loss scalers; pass-throughs unless fp16."""

    critic: torch.amp.GradScaler
    generator: torch.amp.GradScaler

    def state_dict(self) -> dict[str, Any]:
        """Each scaler's state by name, for a resumable state."""
        return {name: scaler.state_dict() for name, scaler in zip(self._fields, self, strict=True)}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        for name, scaler in zip(self._fields, self, strict=True):
            scaler.load_state_dict(state[name])


def check_float32_losses(model: AdversarialModel, losses: dict[str, torch.Tensor]) -> None:
    """Losses are float32 whatever the precision: a loss of bfloat16 or float16 values keeps
    few correct digits (above)."""
    for name, loss in losses.items():
        if loss.dtype != torch.float32:
            raise PluginError(
                f"model {type(model).__name__} returned its {name} as {loss.dtype}, not "
                f"float32; compute losses on float32 values (the networks' outputs are)"
            )


def gradient_scalers(model: AdversarialModel, precision: str) -> GradientScalers:
    device_type = next(model.parameters()).device.type
    enabled = precision == "fp16"
    return GradientScalers(
        torch.amp.GradScaler(device_type, enabled=enabled),
        torch.amp.GradScaler(device_type, enabled=enabled),
    )


@contextmanager
def networks_in(model: AdversarialModel, precision: str) -> Iterator[None]:
    """Inside the block, the model's generator and critic run their training forward passes
    under autocast in `precision` ("bf16" or "fp16") and return float32; after it, as they
    were."""
    device_type = next(model.parameters()).device.type
    dtype = AUTOCAST_DTYPES[precision]
    networks = list({id(n): n for n in (model.generator, model.critic)}.values())
    previous = [vars(network).get("forward") for network in networks]
    for network in networks:
        vars(network)["forward"] = TrainingForwardInAutocast(network, device_type, dtype)
    try:
        yield
    finally:
        for network, forward in zip(networks, previous, strict=True):
            if forward is None:
                del vars(network)["forward"]
            else:
                vars(network)["forward"] = forward


class TrainingForwardInAutocast:
    """A network's `forward` for a mixed-precision run: in training mode under autocast, with
    a floating output returned as float32 for the loss; in evaluation mode (the samples of an
    `every` curve) as it was, so metrics are scored on float32 samples.

    It keeps the network and its own `forward` as attributes, not in a closure, so a deep copy
    of the network (a weight average) gets a forward that calls the copy's weights."""

    def __init__(self, network: nn.Module, device_type: str, dtype: torch.dtype) -> None:
        self.network = network
        self.forward = network.forward
        self.device_type = device_type
        self.dtype = dtype

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if not self.network.training:
            return self.forward(*args, **kwargs)
        with torch.autocast(self.device_type, dtype=self.dtype):
            output = self.forward(*args, **kwargs)
        if isinstance(output, torch.Tensor) and output.is_floating_point():
            return output.float()
        return output
