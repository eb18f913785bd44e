"""Precision and recall for distributions, PRD (Sajjadi et al. 2018).

Both feature sets are clustered together; the real histogram P and the generated histogram Q
over the clusters then give, for every slope lambda, precision alpha(lambda) =
sum_i min(lambda P_i, Q_i) and recall beta(lambda) = alpha(lambda) / lambda. The curve is
averaged over several clusterings, since one k-means run is noisy; each clustering is the
authors' own, scikit-learn's `MiniBatchKMeans(n_clusters, n_init=10)` on the union (float32
features, as their code). The summaries are the paper's F_8 (weighs recall: can the model
produce every mode of the data?) and F_1/8 (weighs precision: are its samples realistic?),
each the largest F_beta along the curve. The conventions (slopes tan(theta) for theta evenly
spaced in (0, pi/2) with 1e-10 kept off the ends, the 1e-10 in F_beta's denominator, the
final clip to [0, 1]) are those of the authors' prd_score.py, so numbers compare with theirs.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch

import genbench
from genbench.api import UserError

ANGLE_EPSILON = 1e-10
F_EPSILON = 1e-10
BETA = 8.0


def prd_from_histograms(
    real: torch.Tensor, fake: torch.Tensor, angles: int = 1001
) -> tuple[torch.Tensor, torch.Tensor]:
    """(precision, recall) at `angles` slopes, from the real and generated histograms."""
    real, fake = real.double(), fake.double()
    theta = torch.linspace(ANGLE_EPSILON, math.pi / 2 - ANGLE_EPSILON, angles, dtype=torch.float64)
    slopes = theta.tan().to(real.device)[:, None]
    precision = torch.minimum(real[None, :] * slopes, fake[None, :]).sum(dim=1)
    recall = precision / slopes[:, 0]
    return precision.clamp(0, 1), recall.clamp(0, 1)


def f_beta(precision: torch.Tensor, recall: torch.Tensor, beta: float) -> float:
    """The largest F_beta along the curve; beta > 1 weighs recall, beta < 1 precision."""
    scores = (1 + beta**2) * precision * recall / (beta**2 * precision + recall + F_EPSILON)
    return float(scores.max())


def cluster_labels(
    points: torch.Tensor, clusters: int, random_state: np.random.RandomState
) -> torch.Tensor:
    """The cluster index of every point: MiniBatchKMeans with 10 initialisations, as in the
    PRD authors' prd_score.py (scikit-learn imported here, so registering the metric is cheap)."""
    from sklearn.cluster import MiniBatchKMeans
    from threadpoolctl import threadpool_limits  # scikit-learn's own dependency

    array = points.reshape(len(points), -1).detach().cpu().float().numpy()
    kmeans = MiniBatchKMeans(n_clusters=clusters, n_init=10, random_state=random_state)
    # As many OpenMP threads as torch may use (the runner sizes that to the cores it got): on a
    # shared machine scikit-learn's default of every core ran twice as slow as one thread.
    with threadpool_limits(limits=torch.get_num_threads()):
        labels = kmeans.fit(array).labels_
    return torch.from_numpy(labels.astype(np.int64))


def cluster_histograms(
    real: torch.Tensor, fake: torch.Tensor, clusters: int, random_state: np.random.RandomState
) -> tuple[torch.Tensor, torch.Tensor]:
    """Histograms (summing to 1) of each set over k-means clusters of their union."""
    real, fake = real.reshape(len(real), -1), fake.reshape(len(fake), -1)
    labels = cluster_labels(torch.cat([real, fake.to(real.device)]), clusters, random_state)
    real_counts = torch.bincount(labels[: len(real)], minlength=clusters).double()
    fake_counts = torch.bincount(labels[len(real) :], minlength=clusters).double()
    return real_counts / len(real), fake_counts / len(fake)


def prd(
    real: torch.Tensor,
    fake: torch.Tensor,
    clusters: int = 20,
    angles: int = 1001,
    runs: int = 10,
    seed: int = 0,
) -> tuple[torch.Tensor, torch.Tensor]:
    """The PRD curve averaged over `runs` clusterings, as (precision, recall)."""
    if clusters > len(real) + len(fake):
        raise UserError(
            f"prd: {clusters} clusters need at least as many samples, got {len(real) + len(fake)}"
        )
    # One RandomState for all runs: each clustering differs, the whole curve reproduces.
    random_state = np.random.RandomState(seed)
    curves = [
        prd_from_histograms(*cluster_histograms(real, fake, clusters, random_state), angles)
        for _ in range(runs)
    ]
    precision = torch.stack([p for p, _ in curves]).mean(dim=0)
    recall = torch.stack([r for _, r in curves]).mean(dim=0)
    return precision, recall


def compute_prd(
    inputs: genbench.MetricInputs, params: dict[str, Any]
) -> dict[str, float | genbench.Curve]:
    precision, recall = prd(
        inputs.real_features,
        inputs.fake_features,
        params["clusters"],
        params["angles"],
        params["runs"],
        params["seed"],
    )
    curve = genbench.Curve(
        x=tuple(recall.tolist()),
        y=tuple(precision.tolist()),
        x_label="Recall",
        y_label="Precision",
    )
    return {
        "prd_f8": f_beta(precision, recall, BETA),
        "prd_f1_8": f_beta(precision, recall, 1 / BETA),
        "prd": curve,
    }
