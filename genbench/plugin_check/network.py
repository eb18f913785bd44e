"""A network family built for each probe shape, unpacked and packed two to a critic input,
and run forward and backward: the shapes of what the generator makes and the critic returns,
and a gradient reaching every weight, are what a model relies on."""

from __future__ import annotations

import torch
from torch import nn

from genbench.api.network import Network, NetworkPair, NetworkRequest, packed_shape
from genbench.api.params import resolve_params
from genbench.errors import UserError, first_line
from genbench.plugin_check.findings import Findings
from genbench.plugin_check.probes import describe, probe_sets

BATCH = 4
PACKINGS = (1, 2)
BOUNDED_OUTPUTS = (nn.Tanh, nn.Sigmoid, nn.Hardtanh)


def network_findings(network: Network) -> Findings:
    params = resolve_params(network.params, {}, f"network {network.name!r}")
    findings = Findings()
    for data in probe_sets():
        shape = data.sample_shape
        for packing in PACKINGS:
            request = NetworkRequest(
                shape, packed_shape(shape, packing), network.latent_dim, params
            )
            where = describe(data) + (f" packed {packing} to a critic input" if packing > 1 else "")
            try:
                pair = network.build(request)
            except UserError as exc:
                findings.declined.append(f"{describe(data)} ({first_line(exc)})")
                break
            problems = _pair_problems(pair, request, packing, data.is_image)
            findings.problems += [f"{where}: {problem}" for problem in problems]
            if not problems:
                findings.checked.append(f"forward and backward on {where}")
    return findings


def _pair_problems(
    pair: NetworkPair, request: NetworkRequest, packing: int, is_image: bool
) -> list[str]:
    if not isinstance(pair, NetworkPair):
        return [f"build returned {type(pair).__name__}, not a genbench.NetworkPair"]
    generator, critic = pair.generator, pair.critic
    z = torch.randn(BATCH * packing, request.latent_dim)
    fake = generator(z)
    expected = (BATCH * packing, *request.sample_shape)
    if tuple(fake.shape) != expected:
        return [
            f"the generator made {tuple(fake.shape)} from z {tuple(z.shape)}; expected {expected}"
        ]
    packed = fake.reshape(BATCH, *request.critic_shape)
    values = critic(packed)
    if tuple(values.shape) != (BATCH,):
        return [
            f"the critic returned {tuple(values.shape)} for {BATCH} inputs of "
            f"{request.critic_shape}; it must return one raw value each, shaped ({BATCH},)"
        ]
    values.sum().backward()
    problems = _gradient_problems(generator, "generator") + _gradient_problems(critic, "critic")
    if not is_image:
        problems += _bounded_output_problems(generator)
    return problems


def _gradient_problems(module: nn.Module, role: str) -> list[str]:
    """A trainable weight the critic's value does not reach never learns."""
    stuck = [
        name
        for name, weight in module.named_parameters()
        if weight.requires_grad and (weight.grad is None or not torch.isfinite(weight.grad).all())
    ]
    if not stuck:
        return []
    listed = ", ".join(stuck[:3]) + (" ..." if len(stuck) > 3 else "")
    return [f"the {role}'s weights {listed} get no finite gradient from the critic's value"]


def _bounded_output_problems(generator: nn.Module) -> list[str]:
    """Point data keeps its native coordinates (ring-8 has radius 2), which a squashed output
    cannot reach: a generator for points must end unbounded (a linear layer)."""
    layers = [module for module in generator.modules() if not list(module.children())]
    if layers and isinstance(layers[-1], BOUNDED_OUTPUTS):
        return [
            f"the generator for points ends in {type(layers[-1]).__name__}, so its points cannot "
            f"leave a bounded range, but point data keeps its native coordinates; end it in a "
            f"linear layer"
        ]
    return []
