"""What genbench_metrics registers, described without importing torch: the metrics and the
feature extractors, each computed by the module its `lazy` target names."""

from __future__ import annotations

from dataclasses import replace

from genbench.api import Column, FeatureExtractor, Metric, Param, lazy

PROTOCOLS = ("legacy-tf", "clean")
"""The resizes before Inception (genbench_metrics.resize says what each does)."""

LENET_PARAMS = (
    Param("epochs", 2, "Training epochs over the training split.", minimum=1),
    Param("batch_size", 128, "Training batch size.", minimum=1),
    Param("lr", 1e-3, "Adam learning rate.", minimum=0.0),
    Param("seed", 0, "Seed for initialisation and batch order."),
)

FID = Metric(
    name="fid",
    description="Fréchet distance between Gaussian fits of real and generated features.",
    columns=(Column("fid", "FID", higher_is_better=False, digits=2),),
    compute=lazy("genbench_metrics.fid:compute_fid"),
    from_statistics=True,
    features_only=True,
)

FID_INFINITY = Metric(
    name="fid-infinity",
    description="FID extrapolated to infinitely many generated samples (Chong & Forsyth 2020).",
    columns=(Column("fid_infinity", "FID∞", higher_is_better=False, digits=2),),
    compute=lazy("genbench_metrics.fid_infinity:compute_fid_infinity"),
    params=(
        Param("points", 15, "Subset sizes FID is computed at (the paper's 15).", minimum=2),
        Param(
            "smallest",
            0.1,
            "Smallest subset, as a share of the generated samples (the paper's 5,000 of 50,000).",
            minimum=0.0,
            maximum=1.0,
            maximum_excluded=True,
        ),
        Param("seed", 0, "Seed of the random subsets."),
    ),
    from_statistics=True,
    features_only=True,
)

KID = Metric(
    name="kid",
    description="Kernel Inception Distance: unbiased cubic-kernel MMD^2 over random subsets.",
    columns=(
        Column("kid", "KID", higher_is_better=False, digits=4),
        Column("kid_std", "KID std", higher_is_better=None, digits=4),
    ),
    compute=lazy("genbench_metrics.kid:compute_kid"),
    features_only=True,
    params=(
        Param("subsets", 100, "Random subsets averaged (torch-fidelity's default).", minimum=1),
        Param(
            "subset_size",
            1000,
            "Samples per subset (torch-fidelity's default); at most the sample count.",
            minimum=2,
        ),
        Param("seed", 2020, "Seed of the subset draws (torch-fidelity's default)."),
    ),
)

PRECISION_RECALL = Metric(
    name="precision-recall",
    description="Improved precision (quality) and recall (coverage) from k-NN manifolds.",
    columns=(
        Column("precision", "Precision", higher_is_better=True),
        Column("recall", "Recall", higher_is_better=True),
    ),
    compute=lazy("genbench_metrics.precision_recall:compute_precision_recall"),
    features_only=True,
    params=(Param("k", 3, "Neighbour whose distance sets each point's ball radius.", minimum=1),),
)

DENSITY_COVERAGE = Metric(
    name="density-coverage",
    description="Density (quality, ~1 when matched) and coverage from the real k-NN balls.",
    columns=(
        Column("density", "Density", higher_is_better=None),
        Column("coverage", "Coverage", higher_is_better=True),
    ),
    compute=lazy("genbench_metrics.density_coverage:compute_density_coverage"),
    features_only=True,
    params=(
        Param(
            "k",
            3,
            "Neighbour whose distance sets each real ball's radius; the paper's k, the same "
            "default as precision-recall's, so the two metrics read the same balls.",
            minimum=1,
        ),
    ),
)

PRD = Metric(
    name="prd",
    description="PRD curve (k-means histograms); F_8 weighs recall, F_1/8 precision.",
    columns=(
        Column("prd_f8", "PRD F8 (recall)", higher_is_better=True),
        Column("prd_f1_8", "PRD F1/8 (precision)", higher_is_better=True),
    ),
    compute=lazy("genbench_metrics.prd:compute_prd"),
    features_only=True,
    params=(
        Param("clusters", 20, "k-means clusters (the paper's 20).", minimum=2),
        Param("angles", 1001, "Slopes along the curve (the paper's 1001).", minimum=3),
        Param("runs", 10, "Clusterings averaged (the paper's 10).", minimum=1),
        Param("seed", 0, "Seed of the k-means initialisations (numpy RandomState)."),
    ),
)

LENET_CLASSIFIER_PARAMS = tuple(
    replace(param, help=f"{param.help} As lenet-mnist's: equal values share its cache.")
    for param in LENET_PARAMS
)
"""The metrics that use lenet-mnist's classifier train it with the extractor's parameters."""

CLASSIFIER_SCORE = Metric(
    name="classifier-score",
    description="Inception Score formula on the lenet-mnist classifier (MNIST-like data).",
    columns=(
        Column("classifier_score", "Classifier score", higher_is_better=True, digits=2),
        Column("classifier_score_std", "CS std", higher_is_better=None, digits=2),
    ),
    compute=lazy("genbench_metrics.classifier_score:compute_classifier_score"),
    params=(
        Param("splits", 10, "Parts the samples are scored in (as the IS's 10).", minimum=1),
        *LENET_CLASSIFIER_PARAMS,
    ),
)

INTRA_FID = Metric(
    name="intra-fid",
    description="FID within each class, averaged over classes (conditional models).",
    columns=(Column("intra_fid", "Intra-FID", higher_is_better=False, digits=2),),
    compute=lazy("genbench_metrics.conditional:compute_intra_fid"),
    params=(
        Param(
            "min_samples",
            10,
            "Fewest samples of a class on either side that FID is computed on.",
            minimum=2,
        ),
    ),
    features_only=True,
    conditional=True,
)

CLASS_ACCURACY = Metric(
    name="class-accuracy",
    description="Share of conditional samples lenet-mnist classifies as the requested class.",
    columns=(
        Column("class_accuracy", "Class accuracy", higher_is_better=True),
        Column("real_class_accuracy", "Real accuracy", higher_is_better=None),
    ),
    compute=lazy("genbench_metrics.conditional:compute_class_accuracy"),
    params=LENET_CLASSIFIER_PARAMS,
    conditional=True,
)

INCEPTION_WEIGHTS = Param(
    "weights", "", "local InceptionV3 weights file (torch-fidelity's format); empty: download them"
)
INCEPTION_PROTOCOL = Param(
    "protocol",
    "legacy-tf",
    "resize to 299 x 299: legacy-tf (inside the network, as TTUR, pytorch-fid and "
    "torch-fidelity) or clean (PIL bicubic before it, as clean-fid)",
    choices=PROTOCOLS,
)

INCEPTION_SCORE = Metric(
    name="inception-score",
    description="Inception Score on torch-fidelity's InceptionV3 (Salimans et al. 2016).",
    columns=(
        Column("inception_score", "IS", higher_is_better=True, digits=2),
        Column("inception_score_std", "IS std", higher_is_better=None, digits=2),
    ),
    compute=lazy("genbench_metrics.inception_score:compute_inception_score"),
    params=(
        Param("splits", 10, "Parts the samples are scored in (the paper's 10).", minimum=1),
        INCEPTION_WEIGHTS,
        INCEPTION_PROTOCOL,
    ),
)

MODE_COVERAGE = Metric(
    name="mode-coverage",
    description=(
        "Modes covered, high-quality samples, reverse KL and mode total variation on 2-D "
        "Gaussian mixtures."
    ),
    columns=(
        Column("modes", "Modes", higher_is_better=True, digits=1),
        Column("high_quality", "High quality", higher_is_better=True),
        Column("reverse_kl", "Reverse KL", higher_is_better=False),
        Column("mode_tv", "Mode TV", higher_is_better=False),
    ),
    compute=lazy("genbench_metrics.mode_coverage:compute_mode_coverage"),
    params=(Param("sigmas", 3.0, "Radius around a mode, in mixture standard deviations."),),
)

IDENTITY = FeatureExtractor(
    name="identity",
    description="Each sample flattened to a vector; for 2-D points and quick checks.",
    build=lazy("genbench_metrics.identity:build_identity"),
)

INCEPTION = FeatureExtractor(
    name="inception",
    description="2048-d pool features of torch-fidelity's InceptionV3, the standard for FID.",
    build=lazy("genbench_metrics.inception:build_inception"),
    params=(INCEPTION_WEIGHTS, INCEPTION_PROTOCOL),
)

LENET_MNIST = FeatureExtractor(
    name="lenet-mnist",
    description="128-d embedding of a LeNet trained (and cached) on the dataset's digits.",
    build=lazy("genbench_metrics.lenet:build_lenet"),
    params=LENET_PARAMS,
    trains_on="mnist",
)
