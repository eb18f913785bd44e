"""The catalog of bad inputs: every case a new user can cause ends in one line that says what
is wrong and how to mend it, exit code 2, no traceback, and nothing written or changed.

`docs/errors.md` is generated from this table (`GENBENCH_WRITE_ERRORS_DOC=1 pytest
tests/test_error_catalog.py`) and checked against it, so the page and the tests cannot drift.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import torch
from click.testing import CliRunner
from PIL import Image

from genbench.cli import cli

REPO = Path(__file__).resolve().parent.parent
DOC = REPO / "docs" / "errors.md"
WRITE_DOC = "GENBENCH_WRITE_ERRORS_DOC"
# A folder no one may write in, root included: root passes every permission bit, so a chmod'ed
# folder tests nothing where tests run as root, as CI's do (on a system without /proc, the
# nearest existing folder is /, which only root may write in).
UNWRITABLE = Path("/proc")

GOOD = """[benchmark]
name = "bench"
dataset = "ring-8"
budget = "5 steps"

[evaluation]
samples = 100
metrics = ["fid", "precision-recall"]

[[entry]]
name = "GAN"
model = "gan"
"""
PR_ENTRY = '\n[[entry]]\nname = "PR"\nmodel = "pr-optimizer"\ninit_from = "GAN"\n'


@dataclass(frozen=True)
class Case:
    """One bad input: `setup(tmp)` writes what it needs and returns the command's arguments;
    the one-line message must contain `expect`."""

    group: str
    name: str
    setup: Callable[[Path], list[str]]
    expect: str


def spec(text: str | bytes, *extra: str) -> Callable[[Path], list[str]]:
    def setup(tmp: Path) -> list[str]:
        path = tmp / "bench.toml"
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return ["run", str(path), "--out", str(tmp / "results"), *extra]

    return setup


def edit(old: str, new: str) -> str:
    assert old in GOOD, old
    return GOOD.replace(old, new, 1)


def spec_at(make: Callable[[Path], Path], *extra: str) -> Callable[[Path], list[str]]:
    def setup(tmp: Path) -> list[str]:
        return ["run", str(make(tmp)), "--out", str(tmp / "results"), *extra]

    return setup


def directory(tmp: Path) -> Path:
    (tmp / "specs.toml").mkdir()
    return tmp / "specs.toml"


def out_is(kind: str) -> Callable[[Path], list[str]]:
    def setup(tmp: Path) -> list[str]:
        (tmp / "bench.toml").write_text(GOOD, encoding="utf-8")
        out = tmp / "elsewhere"
        if kind == "file":
            out.write_text("not a folder\n")
        else:
            out = UNWRITABLE / "genbench-results"
        return ["run", str(tmp / "bench.toml"), "--out", str(out)]

    return setup


RNG = np.random.default_rng(0)
FEATURES = RNG.normal(size=(60, 5)).astype(np.float32)
PIXELS = RNG.integers(0, 256, size=(30, 1, 6, 6), dtype=np.uint8)


def eval_files(tmp: Path) -> dict[str, str]:
    """The sets the eval cases choose from, written once per case."""
    np.save(tmp / "features.npy", FEATURES)
    np.save(tmp / "features3.npy", FEATURES[:, :3])
    np.save(tmp / "cube.npy", np.zeros((4, 5, 6), np.float32))
    np.save(tmp / "empty.npy", np.zeros((0, 5), np.float32))
    np.save(tmp / "nan.npy", np.full((60, 5), np.nan, np.float32))
    np.save(tmp / "wide.npy", np.full((4, 1, 6, 6), 3.0, np.float32))
    torch.save(torch.from_numpy(PIXELS), tmp / "images.pt")
    torch.save(torch.zeros(30, 1, 8, 8, dtype=torch.uint8), tmp / "images8.pt")
    torch.save({"not": "a tensor"}, tmp / "dict.pt")
    (tmp / "garbage.npy").write_bytes(b"not an array")
    (tmp / "no-images").mkdir()
    broken = tmp / "broken"
    broken.mkdir()
    for index, image in enumerate(PIXELS[:2]):
        Image.fromarray(image[0]).save(broken / f"{index:03d}.png")
    (broken / "002.png").write_bytes(b"not a png")
    np.savez(tmp / "stats.npz", mu=FEATURES.mean(axis=0), sigma=np.cov(FEATURES, rowvar=False))
    np.savez(tmp / "nomu.npz", sigma=np.eye(5))
    names = ("features", "features3", "cube", "empty", "nan", "wide", "garbage")
    files = {name: str(tmp / f"{name}.npy") for name in names}
    files.update({name: str(tmp / f"{name}.pt") for name in ("images", "images8", "dict")})
    files.update(no_images=str(tmp / "no-images"), broken=str(broken), absent=str(tmp / "no.npy"))
    files.update(stats=str(tmp / "stats.npz"), nomu=str(tmp / "nomu.npz"))
    return files


def evaluate(*args: str) -> Callable[[Path], list[str]]:
    """`genbench eval` with `{name}` placeholders filled from `eval_files`."""

    def setup(tmp: Path) -> list[str]:
        files = eval_files(tmp)
        return ["eval", *(arg.format(**files) for arg in args)]

    return setup


def results_folder(kind: str) -> Callable[[Path], list[str]]:
    def setup(tmp: Path) -> list[str]:
        folder = tmp / "empty-results"
        if kind != "missing":
            folder.mkdir()
        if kind == "only damaged":
            record = folder / "runs" / "gan" / "seed-0" / "record.json"
            record.parent.mkdir(parents=True)
            record.write_text('{"status": "ok", "seed": "n/a"')
        command = "show" if kind == "show" else "report"
        return [command, str(folder)]

    return setup


SPEC_FILES = [
    Case("spec file", "malformed TOML", spec(GOOD + "\n[[entry]\n"), "invalid TOML"),
    Case("spec file", "not UTF-8", spec("[benchmark]\nname = 'caf\xe9'\n".encode("latin-1")),
         "is not UTF-8 text"),
    Case("spec file", "binary", spec(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "is not UTF-8 text"),
    Case("spec file", "binary that decodes as UTF-8", spec(b"\x00\x01\x02\x03"), "invalid TOML"),
    Case("spec file", "empty", spec(""), "holds no settings"),
    Case("spec file", "only comments", spec("# nothing yet\n"), "holds no settings"),
    Case("spec file", "huge (2 MiB)", spec(GOOD + "# " + "x" * (2 << 20) + "\n"),
         "a spec is a few KB"),
    Case("spec file", "huge value inside a small file",
         spec(edit('"ring-8"', f'"{"y" * 100_000}"')), "characters)"),
    Case("entries", "overlong benchmark name",
         spec(edit('name = "bench"', f'name = "{"b" * 300}"')), "use up to 100 letters"),
    Case("entries", "overlong entry name", spec(edit('name = "GAN"', f'name = "{"g" * 300}"')),
         "name entries in at most 100"),
    Case("spec file", "a directory", spec_at(directory), "is a directory, not a spec file"),
    Case("spec file", "missing", spec_at(lambda tmp: tmp / "nope.toml"), "no such file"),
]  # fmt: skip

UNKNOWN_KEYS = [
    Case("unknown key", "top-level table", spec(GOOD + "\n[benchmarks]\nx = 1\n"),
         "did you mean 'benchmark'"),
    Case("unknown key", "in [benchmark]", spec(edit('budget = "5 steps"', "seed = [1]")),
         "did you mean 'seeds'"),
    Case("unknown key", "in [evaluation]", spec(edit("samples = 100", "sample = 100")),
         "did you mean 'samples'"),
    Case("unknown key", "in [dataset]", spec(GOOD + "\n[dataset]\nsigma = 0.1\n"),
         "unknown parameter for dataset 'ring-8'"),
    Case("unknown key", "in [executor]", spec(GOOD + "\n[executor]\nworkers = 2\n"),
         "unknown parameter for executor 'local'; valid names: jobs"),
    Case("unknown key", "in an entry", spec(GOOD + "lr_gen = 0.1\n"), "did you mean 'lr_g'"),
    Case("unknown key", "in a table parameter",
         spec(edit('model = "gan"', 'model = "fgan"\nwarm_start = { step = 5 }')),
         "did you mean 'steps'"),
    Case("unknown key", "in metric parameters",
         spec(GOOD + "\n[evaluation.params.precision-recall]\nkk = 3\n"), "did you mean 'k'"),
    Case("unknown key", "parameters of a metric not in use",
         spec(GOOD + "\n[evaluation.params.kid]\nsubsets = 3\n"), "not a metric or extractor"),
]  # fmt: skip

UNKNOWN_NAMES = [
    Case("unknown name", "model", spec(edit('model = "gan"', 'model = "gann"')),
         "did you mean 'gan'"),
    Case("unknown name", "divergence",
         spec(edit('model = "gan"', 'model = "fgan"\ndivergence = "kll"')), "did you mean 'kl'"),
    Case("unknown name", "metric",
         spec(edit('"fid", "precision-recall"', '"fid", "precision-recal"')),
         "did you mean 'precision-recall'"),
    Case("unknown name", "dataset", spec(edit('"ring-8"', '"mnits"')), "did you mean 'mnist'"),
    Case("unknown name", "feature extractor",
         spec(edit("samples = 100", 'samples = 100\nfeatures = "lenet"')),
         "did you mean 'lenet-mnist'"),
    Case("unknown name", "prior", spec(GOOD + 'prior = "gaussian"\n'), "unknown prior"),
    Case("unknown name", "executor (--executor)", spec(GOOD, "--executor", "kubernetes"),
         "unknown executor 'kubernetes'"),
    Case("unknown name", "device", spec(edit('budget = "5 steps"', 'device = "cuda0"')),
         "unknown device"),
    Case("unknown name", "device (--device)", spec(GOOD, "--device", "tpu"),
         "--device: unknown device 'tpu'"),
]  # fmt: skip

WRONG_TYPES = [
    Case("wrong type", "float for an integer", spec(GOOD + "batch_size = 6.5\n"),
         "expected int, got float 6.5"),
    Case("wrong type", "string for a float", spec(GOOD + 'lr_g = "fast"\n'),
         "expected float, got str 'fast'"),
    Case("wrong type", "boolean for an integer", spec(GOOD + "batch_size = true\n"),
         "expected int, got bool True"),
    Case("wrong type", "value not among the choices", spec(GOOD + 'generator_loss = "hinge"\n'),
         "not one of"),
    Case("wrong type", "metrics not a list", spec(edit('["fid", "precision-recall"]', '"fid"')),
         "expected list"),
    Case("wrong type", "entry name not a string", spec(edit('name = "GAN"', "name = 3")),
         "expected a non-empty string"),
    Case("wrong type", "[benchmark] not a table",
         spec('benchmark = 3\n[[entry]]\nname = "GAN"\nmodel = "gan"\n'),
         "benchmark: must be a table"),
    Case("wrong type", "budget a number", spec(edit('"5 steps"', "5")),
         "expected str, got int 5"),
]  # fmt: skip

BUDGETS = [
    Case("budget", "zero steps", spec(edit('"5 steps"', '"0 steps"')), "invalid budget '0 steps'"),
    Case("budget", "zero seconds", spec(edit('"5 steps"', '"0s"')), "positive duration"),
    Case("budget", "negative", spec(edit('"5 steps"', '"-5s"')), "invalid budget '-5s'"),
    Case("budget", "NaN", spec(edit('"5 steps"', '"nan s"')), "invalid budget 'nan s'"),
    Case("budget", "absurd step count", spec(edit('"5 steps"', '"1000000000 steps"')),
         "over 100,000,000 steps"),
    Case("budget", "absurd duration", spec(edit('"5 steps"', '"100000h"')), "over 7 days"),
    Case("budget", "unparsable", spec(edit('"5 steps"', '"5 epochs"')),
         "invalid budget '5 epochs'"),
    Case("budget", "unparsable (--budget)", spec(GOOD, "--budget", "soon"),
         "--budget: invalid budget 'soon'"),
]  # fmt: skip

ENTRIES_AND_SEEDS = [
    Case("entries", "duplicate entry names",
         spec(GOOD + '\n[[entry]]\nname = "GAN"\nmodel = "gan"\n'), "duplicate entry name 'GAN'"),
    Case("entries", "no entries", spec(GOOD.split("[[entry]]")[0]), "no [[entry]] tables"),
    Case("entries", "entry without a model", spec(edit('model = "gan"', "")), "entry[0].model"),
    Case("entries", "no dataset", spec(edit('dataset = "ring-8"', "")),
         "benchmark.dataset: missing"),
    Case("entries", "name that cannot be a folder",
         spec(edit('name = "bench"', 'name = "../elsewhere"')), "cannot name a results folder"),
    Case("seeds", "negative seed", spec(edit('budget = "5 steps"', "seeds = [-1]")),
         "[0, 2**32)"),
    Case("seeds", "non-integer seed", spec(edit('budget = "5 steps"', "seeds = [0, 1.5]")),
         "list of integers"),
    Case("seeds", "repeated seed", spec(edit('budget = "5 steps"', "seeds = [1, 1]")),
         "repeated seed"),
    Case("seeds", "empty list", spec(edit('budget = "5 steps"', "seeds = []")),
         "non-empty list"),
    Case("seeds", "unparsable (--seeds)", spec(GOOD, "--seeds", "a,b"), "--seeds: invalid 'a,b'"),
    Case("seeds", "huge range (--seeds)", spec(GOOD, "--seeds", "0-100000000"),
         "names more than 10000 seeds"),
    Case("seeds", "reversed range (--seeds)", spec(GOOD, "--seeds", "5-1"), "empty range '5-1'"),
    Case("seeds", "an entry's unparsable seeds", spec(GOOD + 'seeds = "0-x"\n'),
         "entry[0].seeds: invalid '0-x'"),
    Case("seeds", "an entry's seeds its base lacks", spec(GOOD + PR_ENTRY + 'seeds = "0-4"\n'),
         "have no run of 'GAN' to start from"),
]  # fmt: skip

HYPER_PARAMETERS = [
    Case("hyper-parameter", "negative learning rate", spec(GOOD + "lr_g = -0.1\n"),
         "entry[0].lr_g: must be at least 0.0"),
    Case("hyper-parameter", "NaN learning rate", spec(GOOD + "lr_d = nan\n"),
         "entry[0].lr_d: must be a finite number, got nan"),
    Case("hyper-parameter", "infinite learning rate", spec(GOOD + "lr_g = inf\n"),
         "must be a finite number, got inf"),
    Case("hyper-parameter", "batch size 0", spec(GOOD + "batch_size = 0\n"),
         "entry[0].batch_size: must be at least 1"),
    Case("hyper-parameter", "Adam beta of 1.5", spec(GOOD + "betas = [1.5, 0.999]\n"),
         "entry[0].betas[0]: must be below 1.0"),
    Case("hyper-parameter", "Adam beta of 1", spec(GOOD + "betas = [0.5, 1.0]\n"),
         "entry[0].betas[1]: must be below 1.0"),
    Case("hyper-parameter", "negative lambda", spec(GOOD + PR_ENTRY + "lambda = -1.0\n"),
         "entry[1].lambda: must be at least"),
    Case("hyper-parameter", "NaN lambda", spec(GOOD + PR_ENTRY + "lambda = nan\n"),
         "entry[1].lambda: must be a finite number"),
    Case("hyper-parameter", "zero evaluation samples", spec(edit("samples = 100", "samples = 0")),
         "evaluation.samples: must be at least 2"),
    Case("hyper-parameter", "negative gradient penalty",
         spec(edit('model = "gan"', 'model = "wgan-gp"\npenalty = -10.0')),
         "must be at least 0.0"),
    Case("hyper-parameter", "k of precision-recall not below the samples",
         spec(GOOD + "\n[evaluation.params.precision-recall]\nk = 100\n"),
         "k = 100 needs more than 100 samples a side"),
]  # fmt: skip

INIT_FROM = [
    Case("init_from", "names no entry",
         spec(GOOD + '\n[[entry]]\nname = "PR"\nmodel = "pr-optimizer"\ninit_from = "GAM"\n'),
         "no entry 'GAM'; did you mean 'GAN'"),
    Case("init_from", "a cycle",
         spec(GOOD + '\n[[entry]]\nname = "A"\nmodel = "pr-optimizer"\ninit_from = "B"\n'
              + '\n[[entry]]\nname = "B"\nmodel = "pr-optimizer"\ninit_from = "A"\n'),
         "cycle: A -> B -> A"),
    Case("init_from", "on a model that trains from scratch",
         spec(GOOD + '\n[[entry]]\nname = "B"\nmodel = "gan"\ninit_from = "GAN"\n'),
         "trains from scratch"),
    Case("init_from", "missing for a fine-tuning model",
         spec(GOOD + '\n[[entry]]\nname = "PR"\nmodel = "pr-optimizer"\n'),
         "fine-tunes a trained entry"),
]  # fmt: skip

OUTPUT = [
    Case("--out", "a file", out_is("file"), "is a file, not a folder"),
    Case("--out", "read-only", out_is("read-only"), "no permission to write"),
    Case("report / show", "report on a folder without results", results_folder("empty"),
         "no run records found"),
    Case("report / show", "report on a missing folder", results_folder("missing"),
         "not a folder"),
    Case("report / show", "report on a folder whose only record is damaged",
         results_folder("only damaged"), "no run records found"),
    Case("report / show", "show on a results folder", results_folder("show"),
         "is a directory, not a spec file"),
]  # fmt: skip

EVAL = [
    Case("eval", "missing path", evaluate("--real", "{absent}", "--fake", "{features}"),
         "no such file"),
    Case("eval", "mismatched feature dimensions",
         evaluate("--real", "{features}", "--fake", "{features3}"), "feature dimensions differ"),
    Case("eval", "mismatched image shapes",
         evaluate("--real", "{images}", "--fake", "{images8}", "--features", "identity"),
         "image shapes differ"),
    Case("eval", "images against features", evaluate("--real", "{images}", "--fake", "{features}"),
         "give both"),
    Case("eval", "empty features", evaluate("--real", "{empty}", "--fake", "{features}"),
         "the set is empty"),
    Case("eval", "NaN features", evaluate("--real", "{nan}", "--fake", "{features}"),
         "holds NaN or infinite values"),
    Case("eval", "wrong tensor rank", evaluate("--real", "{features}", "--fake", "{cube}"),
         "got shape"),
    Case("eval", "unreadable file", evaluate("--real", "{garbage}", "--fake", "{features}"),
         "cannot read it"),
    Case("eval", "a .pt that is not a tensor", evaluate("--real", "{dict}", "--fake", "{features}"),
         "expected one tensor"),
    Case("eval", "folder without images",
         evaluate("--real", "{no_images}", "--fake", "{images}"), "no PNG or JPEG images"),
    Case("eval", "non-image file among images",
         evaluate("--real", "{broken}", "--fake", "{images}", "--features", "identity"),
         "cannot read 002.png"),
    Case("eval", "float images out of range", evaluate("--real", "{wide}", "--fake", "{images}"),
         "[-1, 1] or [0, 1]"),
    Case("eval", "k >= N", evaluate("--real", "{features}", "--fake", "{features}", "--metric",
         "precision-recall", "--k", "60"), "k must be between 1 and 59"),
    Case("eval", "--features for feature tensors",
         evaluate("--real", "{features}", "--fake", "{features}", "--features", "inception"),
         "already features"),
    Case("eval", "unknown metric",
         evaluate("--real", "{features}", "--fake", "{features}", "--metric", "presicion-recall"),
         "did you mean 'precision-recall'"),
    Case("eval", "--k with no metric taking it",
         evaluate("--real", "{features}", "--fake", "{features}", "--metric", "fid", "--k", "5"),
         "takes k"),
    Case("eval", "--weights for an extractor without them",
         evaluate("--real", "{images}", "--fake", "{images}", "--features", "identity",
                  "--weights", "w.pth"), "takes no weights"),
    Case("eval", "--protocol for an extractor without one",
         evaluate("--real", "{images}", "--fake", "{images}", "--features", "identity",
                  "--protocol", "clean"), "takes no protocol"),
    Case("eval", "both --real and --real-stats",
         evaluate("--real", "{features}", "--real-stats", "{stats}", "--fake", "{features}"),
         "or its statistics with --real-stats"),
    Case("eval", "statistics of another dimension",
         evaluate("--real-stats", "{stats}", "--fake", "{features3}", "--metric", "fid"),
         "statistics of dimension 5"),
    Case("eval", "statistics without mu",
         evaluate("--real-stats", "{nomu}", "--fake", "{features}", "--metric", "fid"),
         "no mu array"),
    Case("eval", "a metric that needs real samples against statistics",
         evaluate("--real-stats", "{stats}", "--fake", "{features}"), "needs the real samples"),
]  # fmt: skip

EVALUATION_PROTOCOL = [
    Case("spec", "a key beside the preset that sets it",
         spec(edit("samples = 100", 'preset = "paper"\nsamples = 100')),
         "given beside preset = 'paper'"),
    Case("spec", "protocol for an extractor without one",
         spec(edit("samples = 100", 'samples = 100\nprotocol = "clean"')), "no FID protocol"),
    Case("spec", "a split that is not one",
         spec(edit("samples = 100", 'samples = 100\nsplit = "val"')), "evaluation.split"),
]  # fmt: skip

CONDITIONAL = [
    Case("conditional", "a class metric for an unconditional entry",
         spec(edit('["fid", "precision-recall"]', '["fid", "intra-fid"]')),
         "'intra-fid' scores conditional samples, but entry 'GAN' is not conditional"),
    Case("conditional", "a network without a conditional form",
         spec(GOOD + 'conditional = true\nnetwork = "pacgan-mlp"\n'),
         "network 'pacgan-mlp' has no class-conditional form"),
    Case("conditional", "packing", spec(GOOD + "conditional = true\npacking = 2\n"),
         "conditional = true with packing = 2"),
]  # fmt: skip

CATALOG = [
    *SPEC_FILES,
    *UNKNOWN_KEYS,
    *UNKNOWN_NAMES,
    *WRONG_TYPES,
    *BUDGETS,
    *ENTRIES_AND_SEEDS,
    *HYPER_PARAMETERS,
    *INIT_FROM,
    *CONDITIONAL,
    *OUTPUT,
    *EVAL,
    *EVALUATION_PROTOCOL,
]
MESSAGES: dict[str, str] = {}  # case id -> message, for the page


def case_id(case: Case) -> str:
    return f"{case.group}: {case.name}"


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def earlier_results(tmp: Path) -> None:
    """A results folder from an earlier sweep, which no bad input may touch."""
    record = tmp / "results" / "bench" / "runs" / "gan" / "seed-0" / "record.json"
    record.parent.mkdir(parents=True)
    record.write_text('{"status": "ok"}')
    (tmp / "results" / "bench" / "table.md").write_text("# earlier table\n")


def run_case(case: Case, tmp: Path) -> str:
    """Run one case, check the contract, return its message with the folder as <tmp>."""
    earlier_results(tmp)
    args = case.setup(tmp)
    before = snapshot(tmp)
    result = CliRunner().invoke(cli, args)
    output = result.output
    assert result.exit_code == 2, output
    assert output.startswith("error: ") and output.count("\n") == 1, output
    assert case.expect in output, output
    assert "Traceback" not in output
    assert len(output) < 400, output
    assert snapshot(tmp) == before
    return output.strip().removeprefix("error: ").replace(str(tmp), "<tmp>")


@pytest.mark.parametrize("case", CATALOG, ids=case_id)
def test_bad_input_is_one_line_exit_2_and_changes_nothing(case: Case, tmp_path: Path) -> None:
    MESSAGES[case_id(case)] = run_case(case, tmp_path)


def test_the_catalog_has_at_least_35_distinct_cases() -> None:
    assert len({case_id(case) for case in CATALOG}) == len(CATALOG) >= 35


def render(messages: dict[str, str]) -> str:
    lines = [
        "# Errors a user can cause",
        "",
        "Every bad input below ends in one line on stderr that says what is wrong and how to",
        "mend it, exit code 2, no traceback, and nothing written or changed. The table is",
        "generated from `tests/test_error_catalog.py`, which runs every case",
        f"(`{WRITE_DOC}=1 pytest tests/test_error_catalog.py` rewrites this page); `<tmp>`",
        "stands for the folder the case ran in.",
        "",
        f"{len(CATALOG)} cases.",
        "",
        "| Kind | Case | The message holds | Message |",
        "|---|---|---|---|",
    ]
    for case in CATALOG:
        message = messages.get(case_id(case), "(not run on this machine)")
        cells = [case.group, case.name, f"`{case.expect}`", message]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines) + "\n"


ROW = re.compile(r"^\| (?P<group>.+?) \| (?P<name>.+?) \| `(?P<expect>.*)` \| ")


def test_errors_page_lists_exactly_the_catalog(tmp_path: Path) -> None:
    if os.environ.get(WRITE_DOC):
        messages = dict(MESSAGES)
        for index, case in enumerate(CATALOG):
            if case_id(case) not in messages:
                folder = tmp_path / str(index)
                folder.mkdir()
                messages[case_id(case)] = run_case(case, folder)
        DOC.parent.mkdir(exist_ok=True)
        DOC.write_text(render(messages), encoding="utf-8")
    rows = [ROW.match(line) for line in DOC.read_text(encoding="utf-8").splitlines()]
    listed = [(m["group"], m["name"], m["expect"]) for m in rows if m and m["group"] != "Kind"]
    listed = [tuple(cell.replace("\\|", "|") for cell in row) for row in listed]
    assert listed == [(case.group, case.name, case.expect) for case in CATALOG], (
        f"docs/errors.md is out of date; regenerate it with {WRITE_DOC}=1"
    )
