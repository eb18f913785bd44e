"""Follow one parameter of `genbench run SPEC` from the command to the printed table, as data.

Runs the command in this process with a tracer that notes every genbench function (core or
built-in plugin) called with the parameter in hand: the `--budget` text, the `Budget` parsed
from it, the spec holding it, a run planned from it (its configuration names the budget), a
record of a run trained on it, the table summarising those records, or an object holding one
of these. Prints the files in the order the parameter visits them (a file entered again after
another counts again), the number of stays and of returns to a file already left. The issue
that asked for one path from spec to table set the goal: at most 10 returns. Hook
implementations (the terminal reporter, loggers) observe the path from beside it, as pytest's
reporters do: they are listed apart and not counted.

    python benchmarks/follow_parameter.py [SPEC] [--budget "20 steps"]

Without SPEC it follows one run: a vanilla GAN on ring-8, one seed, in this process.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from types import FrameType
from typing import Any

REPO = Path(__file__).resolve().parent.parent
ROOTS = (REPO / "genbench", REPO / "plugins")
PLUGGY = "pluggy"
ONE_RUN = """
[benchmark]
name = "follow"
dataset = "ring-8"
seeds = [0]
device = "cpu"

[evaluation]
samples = 500
metrics = ["mode-coverage"]

[[entry]]
name = "GAN"
model = "gan"
"""


class Follower:
    """Notes the files of the calls that receive the parameter or what was made from it."""

    def __init__(self, budget_text: str) -> None:
        self.budget_text = budget_text
        self.carriers: list[Any] = []  # objects known to carry the parameter
        self.visits: list[str] = []
        self.observers: list[str] = []

    def carries(self, value: Any) -> bool:
        if isinstance(value, str):
            return value == self.budget_text
        if any(value is known for known in self.carriers):
            return True
        kind = type(value).__name__
        if kind in ("Budget", "BenchmarkSpec", "RunInfo", "RunRecord", "Summary"):
            self.carriers.append(value)
            return True
        if isinstance(value, list | tuple):
            return any(self.carries(item) for item in value[:8])
        return any(
            inner == self.budget_text
            if isinstance(inner, str)
            else any(inner is known for known in self.carriers)
            for inner in getattr(value, "__dict__", {}).values()
        )

    def trace(self, frame: FrameType, event: str, arg: Any) -> None:
        if event != "call":
            return
        path = Path(frame.f_code.co_filename)
        if not any(root in path.parents for root in ROOTS):
            return
        code = frame.f_code
        arguments = code.co_varnames[: code.co_argcount + code.co_kwonlyargcount]
        if any(self.carries(frame.f_locals.get(name)) for name in arguments):
            where = path.relative_to(REPO).as_posix()
            caller = frame.f_back.f_code.co_filename if frame.f_back else ""
            if PLUGGY in Path(caller).parts:  # a hook implementation: it observes the path
                self.observers.append(where)
            elif not self.visits or self.visits[-1] != where:
                self.visits.append(where)


def summary(visits: list[str]) -> tuple[int, int]:
    """Stays (maximal runs in one file) and returns to a file already left."""
    seen: set[str] = set()
    returns = 0
    for where in visits:
        returns += where in seen
        seen.add(where)
    return len(visits), returns


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spec", nargs="?", type=Path)
    parser.add_argument("--budget", default="20 steps")
    args = parser.parse_args()
    from click.testing import CliRunner

    from genbench.cli import cli

    follower = Follower(args.budget)
    with tempfile.TemporaryDirectory() as out:
        spec = args.spec or Path(out) / "follow.toml"
        if args.spec is None:
            spec.write_text(ONE_RUN, encoding="utf-8")
        command = ["run", str(spec), "--out", out, "--budget", args.budget, "--jobs", "1"]
        sys.setprofile(follower.trace)
        try:
            result = CliRunner().invoke(cli, command, catch_exceptions=False)
        finally:
            sys.setprofile(None)
    if result.exit_code != 0:
        sys.exit(f"genbench run failed:\n{result.output}")
    for step, where in enumerate(follower.visits, start=1):
        print(f"{step:3d}  {where}")
    stays, returns = summary(follower.visits)
    files = len(set(follower.visits))
    print(f"{files} files, {stays} stays, {returns} returns to a file already left")
    watching = sorted(set(follower.observers))
    print(f"observers (hook implementations, off the path): {', '.join(watching)}")


if __name__ == "__main__":
    main()
