"""Data-parallel training on 2 gloo processes: the first steps' weights equal one process
training on the whole (concatenated) batch, and the FLOPs count both ranks.

The models train with plain SGD here: Adam divides each gradient by its own running size, so
a gradient element near zero whose last bit differs (a sum over the batch taken in another
order) moves its weight by up to the learning rate either way, and the comparison would test
rounding instead of the data parallelism."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp

from genbench.api.model import BuildContext
from genbench.api.params import resolve_params
from genbench.engine.loop import train
from genbench.engine.parallel import DataParallel
from genbench.registry import Registry
from genbench.spec.budget import Budget

STEPS = 4
CASES = {
    "gan": {"batch_size": 16},
    "wgan-gp": {"batch_size": 16, "n_critic": 2},  # a gradient penalty: a double backward
}
EXACT = ("gan",)
"""Families whose losses draw no random numbers of their own: their ranks equal one process.
WGAN-GP draws its interpolation weights inside the loss, a share's worth on each rank, so its
stream of random numbers is not one process's (genbench.engine.parallel says more)."""


def _model(name: str, given: dict) -> torch.nn.Module:
    registry = Registry.load()
    family = registry.get("model", name)
    params = resolve_params(family.params, given, f"model {name!r}")
    torch.manual_seed(0)
    model = family.build(BuildContext(params, (2,), torch.device("cpu"), registry))
    model.g_optimizer = torch.optim.SGD(model.generator.parameters(), lr=0.05)
    model.d_optimizer = torch.optim.SGD(model.critic.parameters(), lr=0.05)
    return model


def _data() -> torch.Tensor:
    return torch.randn(500, 2, generator=torch.Generator().manual_seed(3))


def _rank(rank: int, world: int, folder: str, name: str) -> None:
    torch.set_num_threads(1)
    dist.init_process_group(
        "gloo", init_method=f"file://{folder}/rendezvous", rank=rank, world_size=world
    )
    try:
        model = _model(name, CASES[name])
        torch.manual_seed(1)
        outcome = train(model, _data(), Budget(steps=STEPS), parallel=DataParallel(rank, world))
        torch.save({"state": model.state_dict(), "flops": outcome.flops}, f"{folder}/rank{rank}.pt")
    finally:
        dist.destroy_process_group()


@pytest.mark.parametrize("name", sorted(CASES))
def test_two_gloo_ranks_stay_in_step_and_train_as_one_process_on_the_whole_batch(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("GLOO_SOCKET_IFNAME", "lo")  # the ranks meet on this machine
    mp.spawn(_rank, args=(2, str(tmp_path), name), nprocs=2, join=True)
    ranks = [torch.load(tmp_path / f"rank{r}.pt", weights_only=True) for r in range(2)]
    single = _model(name, CASES[name])
    torch.manual_seed(1)
    outcome = train(single, _data(), Budget(steps=STEPS))
    expected = single.state_dict()
    for key, value in expected.items():
        assert torch.equal(ranks[0]["state"][key], ranks[1]["state"][key]), key  # in step
        if name in EXACT:
            assert torch.allclose(ranks[0]["state"][key], value, rtol=1e-5, atol=1e-7), key
    assert ranks[0]["flops"] == pytest.approx(outcome.flops, rel=1e-9)
