"""MNIST and Fashion-MNIST through torchvision: read from the data root, downloaded there when
allowed. Both use the same IDX files, under `root`/MNIST/raw and `root`/FashionMNIST/raw;
files still gzipped there, as shipped, are read directly (`genbench_data.idx`)."""

from __future__ import annotations

from pathlib import Path

from genbench_data.digits import Digits
from genbench_data.idx import IdxError, gzipped_files, read_digits
from genbench_data.network import socket_timeout

DOWNLOAD_TIMEOUT_S = 5.0
"""Seconds any one socket operation of the download may wait. torchvision gives up on a file
after trying its two mirrors, so a network that drops packets costs about twice this. Name
look-ups are outside its reach: a resolver that never answers waits for the system's own limit."""


class MnistUnavailable(Exception):
    """Neither a local copy nor a download worked; the message is a one-line reason."""


def read_torchvision_mnist(root: Path, download: bool, variant: str = "MNIST") -> Digits:
    """Both splits of `variant` ("MNIST" or "FashionMNIST", torchvision's class names) from
    `root`/<variant>/raw, downloading them first when `download` is set; read directly where
    the files are there but gzipped.

    torchvision is imported here, not at module level, so that registering the plugin (as
    `genbench list` does) does not pay for importing it.
    """
    gzipped = gzipped_files(root / variant / "raw")
    if gzipped is not None:
        try:
            return read_digits(gzipped, f"{variant} IDX files (gzipped) from {root}")
        except (IdxError, OSError) as exc:  # gzip.BadGzipFile is an OSError
            raise MnistUnavailable(f"cannot read {variant}/raw: {exc}") from exc
    from torchvision import datasets

    dataset_class = getattr(datasets, variant)
    try:
        with socket_timeout(DOWNLOAD_TIMEOUT_S):
            train = dataset_class(root=root, train=True, download=download)
        test = dataset_class(root=root, train=False, download=False)
    except (RuntimeError, OSError) as exc:
        raise MnistUnavailable(_reason(exc, download)) from exc
    return Digits(
        origin=f"torchvision {variant} from {root}",
        train_images=train.data,
        train_labels=train.targets,
        test_images=test.data,
        test_labels=test.targets,
    )


def _reason(exc: BaseException, download: bool) -> str:
    """torchvision's message reduced to one line: its last line carries the cause."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    detail = lines[-1] if lines else type(exc).__name__
    return f"download failed: {detail}" if download else f"download disabled; {detail}"
