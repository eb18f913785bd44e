"""The training FLOPs of a step: its matrix products, by torch's own FLOP formulas.

Counted by a bare dispatch mode over `flop_registry` rather than FlopCounterMode itself: its
module tracker's hooks break a double backward (WGAN-GP's gradient penalty) on torch 2.14 ("A
leaf node was passed to _will_engine_execute_node"). A dispatch mode sits below autograd and
changes no value, so a counted step is an ordinary training step.
"""

from __future__ import annotations

from typing import Any

from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils.flop_counter import flop_registry


class FlopCounter(TorchDispatchMode):
    """Inside `with FlopCounter() as counter:`, `counter.total` adds up every op's FLOPs."""

    def __init__(self) -> None:
        super().__init__()
        self.total = 0.0

    def __torch_dispatch__(
        self,
        func: Any,
        types: Any,
        args: tuple[Any, ...] = (),
        kwargs: dict[str, Any] | None = None,
    ) -> Any:
        kwargs = kwargs or {}
        out = func(*args, **kwargs)
        formula = flop_registry.get(func._overloadpacket)
        if formula is not None:
            self.total += float(formula(*args, **kwargs, out_val=out))
        return out
