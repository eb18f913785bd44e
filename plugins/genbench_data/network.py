"""A bound on how long a download may wait on the network."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def socket_timeout(seconds: float) -> Iterator[None]:
    """Set the default socket timeout for the block, then restore the previous one.

    urllib, which torchvision's downloads use, waits forever by default: on a network that
    drops packets instead of refusing them, a download attempt would hang the run. The default
    is process-wide, so it is changed only for the duration of the attempt.
    """
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(seconds)
    try:
        yield
    finally:
        socket.setdefaulttimeout(previous)
