"""The kinds of item a plugin can register: the one table that the registry, the hook specs'
names, `genbench.get` and `genbench list` are all driven by."""

from __future__ import annotations

from dataclasses import dataclass

from genbench.api.data import Dataset
from genbench.api.executor import Executor
from genbench.api.features import FeatureExtractor
from genbench.api.metric import Metric
from genbench.api.model import ModelFamily
from genbench.api.network import Network
from genbench.api.prior import Prior


@dataclass(frozen=True)
class Kind:
    """One kind: its singular name (`genbench.get(kind, ...)`), the word `genbench list` takes,
    how messages name an item, the registration hook, and the type a registered item must have
    (None: any object with the `required` attributes)."""

    name: str
    listing: str
    label: str
    hook: str
    item_type: type | None
    required: tuple[str, ...] = ()


KINDS: tuple[Kind, ...] = (
    Kind("model", "models", "model", "genbench_register_models", ModelFamily),
    Kind(
        "divergence",
        "divergences",
        "divergence",
        "genbench_register_divergences",
        None,
        ("discriminator_loss", "generator_loss"),
    ),
    Kind("network", "networks", "network", "genbench_register_networks", Network),
    Kind("metric", "metrics", "metric", "genbench_register_metrics", Metric),
    Kind("dataset", "datasets", "dataset", "genbench_register_datasets", Dataset),
    Kind(
        "feature_extractor",
        "features",
        "feature extractor",
        "genbench_register_feature_extractors",
        FeatureExtractor,
    ),
    Kind("prior", "priors", "prior", "genbench_register_priors", Prior),
    Kind("executor", "executors", "executor", "genbench_register_executors", Executor),
)
KIND_BY_NAME = {kind.name: kind for kind in KINDS}
