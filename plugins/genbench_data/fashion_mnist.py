"""`fashion-mnist`: Zalando's Fashion-MNIST (Xiao et al. 2017) through torchvision.

Same file format and loader as MNIST. There is no small offline stand-in: without the files
on disk or a download, loading fails with one line saying where to put them, rather than
silently training on other data.
"""

from __future__ import annotations

from genbench import DatasetRequest, LoadedData, UserError
from genbench_data.mnist import to_loaded
from genbench_data.torchvision_mnist import MnistUnavailable, read_torchvision_mnist

VARIANT = "FashionMNIST"


def load_fashion_mnist(request: DatasetRequest) -> LoadedData:
    root = request.data_root
    try:
        images = read_torchvision_mnist(root, request.params["download"], VARIANT)
    except MnistUnavailable as exc:
        raise UserError(
            f"Fashion-MNIST not found under {root} ({exc}); go online with download = true, or "
            f"put its four idx files (gzipped or not) under {root / VARIANT / 'raw'} (Debian: "
            "apt-get install dataset-fashion-mnist, then copy its files there)"
        ) from exc
    return to_loaded(images, request, request.params["limit"])
