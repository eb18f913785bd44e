"""The keys a spec's tables take, with their defaults and help: what `genbench show` fills in
and what the spec validator checks a file against."""

from __future__ import annotations

import re

from genbench.api.params import Param
from genbench.spec.benchmark import DATA_ROOT_ENV, DEFAULT_DATA_ROOT

PRECISIONS = ("float32", "bf16", "fp16")
"""The engine's step precisions (genbench.engine.precision says what each does)."""
BENCHMARK_KEYS = (
    Param("name", "", "benchmark name (default: the file's stem); results go to <out>/<name>"),
    Param("description", "", "one line shown above the table"),
    Param("dataset", "", "dataset name (see `genbench list datasets`)"),
    Param(
        "budget", "60s", "training budget per run: '90s', '5m', '1h', '2000 steps' or '20 TFLOP'"
    ),
    Param("seeds", [0], "seeds to run every entry with"),
    Param("device", "auto", "auto (cuda, then mps, then cpu), cpu, cuda, cuda:N or mps"),
    Param("executor", "local", "where runs execute (see `genbench list executors`)"),
    Param(
        "compile",
        False,
        "torch.compile the training step (CUDA: as CUDA graphs); falls back to eager, on record",
    ),
    Param(
        "precision",
        "float32",
        "forward passes in float32, or under bfloat16 or float16 autocast (fp16 with loss "
        "scaling); losses always in float32",
        choices=PRECISIONS,
    ),
    Param(
        "checkpoint_every",
        "",
        "save each run's state every '10m' or '5000 steps' of training, so a run that is "
        "killed (pre-empted) resumes from it; off: ''",
    ),
    Param(
        "data_root",
        "",
        f"where datasets are read or downloaded (default ${DATA_ROOT_ENV} or {DEFAULT_DATA_ROOT})",
    ),
)
REFERENCE_SPLITS = ("train", "test")
REFERENCES = ("subset", "all")
EVALUATION_PRESETS = {"paper": {"samples": 50000, "split": "train", "reference": "all"}}
"""What each `[evaluation] preset` sets; giving one of its keys beside it is an error."""
EVALUATION_KEYS = (
    Param("samples", 10000, "generated and real samples per evaluation", minimum=2),
    Param("batch_size", 500, "batch size for sampling and feature extraction", minimum=1),
    Param("features", "identity", "feature extractor (see `genbench list features`)"),
    Param("metrics", ["fid", "precision-recall"], "metrics to compute"),
    Param("params", {}, "per-metric or per-extractor parameters: [evaluation.params.<name>]"),
    Param(
        "weights",
        "",
        "local weights file for the feature extractor (e.g. inception offline); passed as "
        "`weights` to it and to every metric that takes one (inception-score)",
    ),
    Param(
        "protocol",
        "",
        "the FID protocol (inception: legacy-tf or clean); passed as `protocol` to the "
        "feature extractor and to every metric that takes one",
    ),
    Param(
        "split",
        REFERENCE_SPLITS[0],
        "the dataset split the real samples come from",
        choices=REFERENCE_SPLITS,
    ),
    Param(
        "reference",
        REFERENCES[0],
        "real samples scored against: subset (`samples` of the split, the same for every run) "
        "or all (the whole split)",
        choices=REFERENCES,
    ),
    Param(
        "preset",
        "",
        "paper: 50,000 generated samples against the whole training split, as papers quote "
        "FID (sets samples, split and reference)",
        choices=("", *EVALUATION_PRESETS),
    ),
    Param("every", "", "score on the training clock every '15s', 'N steps' or '1 TFLOP' (off: '')"),
    Param("every_samples", 1000, "samples per point of `every` (kept small: cheap)", minimum=2),
)
ENTRY_KEYS = ("name", "model")
INIT_FROM = "init_from"
ENTRY_SEEDS = "seeds"
BENCHMARK_NAME = re.compile(r"^(?!\.+$)[A-Za-z0-9_.-]{1,100}$")
MAX_ENTRY_NAME = 100
TABLES = ("benchmark", "dataset", "evaluation", "executor", "recipe", "search", "entry")
