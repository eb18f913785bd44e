"""`genbench run --address`: the cluster an executor joins, given on the command line.

The executor's parameters come from the spec; the command line's address overrides the spec's
`[executor] address` through `$GENBENCH_ADDRESS`, which the executor reads (and which travels
to worker processes with the other GENBENCH_* settings).
"""

from __future__ import annotations

import os

from genbench.api.executor import Executor
from genbench.errors import UserError

ADDRESS_ENV = "GENBENCH_ADDRESS"


def set_address(address: str, executor: Executor) -> None:
    """Hand `address` to `executor`; an executor that joins no cluster takes none."""
    if not any(param.name == "address" for param in executor.params):
        raise UserError(
            f"--address: executor {executor.name!r} joins no cluster; "
            "use it with --executor ray, or leave it out"
        )
    os.environ[ADDRESS_ENV] = address
