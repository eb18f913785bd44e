"""Does pruning pay? One search run twice, with its pruning rule and without, on the same
trials, and what each costs and finds.

The issue that asked for a search set the goal: pruning finds a best value within the
unpruned search's interval at no more than half its compute (aim: a third). Both searches use
the random sampler with one seed, so they draw the same settings in the same order: only the
pruning differs. Compute is the trials' training FLOPs and seconds from their records (pruned
trials included); what each finds is its best settings trained again with the spec's seeds,
mean with its 95 % bootstrap interval, as the usual table reports it.

    python benchmarks/search_pruning.py [SPEC] [--out results/pruning] [--jobs 2]

SPEC defaults to benchmarks/search_ring8.toml (it must have a [search] that prunes and the
random or quasi-random sampler). The searches are resumable: run it again to finish one.
"""

from __future__ import annotations

import argparse
import tomllib
from pathlib import Path

import tomli_w

import genbench
from genbench.api.layout import SearchFiles
from genbench.report.stats import estimate
from genbench.search.study import searched_metric
from genbench.sweep.records import trial_records

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spec", nargs="?", type=Path, default=REPO / "benchmarks/search_ring8.toml")
    parser.add_argument("--out", type=Path, default=Path("results/pruning"))
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args()
    raw = tomllib.loads(args.spec.read_text())
    rule = raw["search"]["prune"]
    if rule == "none" or raw["search"].get("sampler", "tpe") == "tpe":
        parser.error("the spec must prune and draw with the random or quasi-random sampler")
    results = {}
    for prune in (rule, "none"):
        variant = {
            **raw,
            "benchmark": {**raw["benchmark"], "name": f"{raw['benchmark']['name']}-{prune}"},
        }
        variant["search"] = {**raw["search"], "prune": prune}
        variant.setdefault("executor", {})["jobs"] = args.jobs
        path = args.out / f"{variant['benchmark']['name']}.toml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(tomli_w.dumps(variant))
        run = genbench.run(path, out=args.out, quiet=True)
        results[prune] = (run, trial_records(run.results_dir))
    metric = raw["search"]["metric"]
    print(f"{args.spec.name}: {raw['search']['trials']} trials, {raw['benchmark']['budget']} each")
    flops, found = {}, {}
    for prune, (run, trials) in results.items():
        records = [r for group in trials.values() for r in group]
        flops[prune] = sum(r.train.flops or 0.0 for r in records)
        seconds = sum(r.train.seconds for r in records)
        pruned = sum(r.status == "pruned" for r in records)
        found[prune] = estimate([v for v in run.runs[metric].tolist() if v == v])
        best = found[prune]
        print(
            f"prune {prune:8s} {len(records)} trials ({pruned} pruned): "
            f"{flops[prune] / 1e12:.2f} TFLOP, {seconds / 60:.1f} min of training; best settings "
            f"{metric} {best.mean:.4f} [{best.ci_low:.4f}, {best.ci_high:.4f}] over "
            f"{best.n} seeds ({SearchFiles(run.results_dir).best_spec})"
        )
    ratio = flops[rule] / flops["none"]
    pruned_mean, whole = found[rule].mean, found["none"]
    inside = whole.ci_low <= pruned_mean <= whole.ci_high
    searched = searched_metric(SearchFiles(results[rule][0].results_dir).study)
    higher = searched is not None and searched[1]
    better = pruned_mean > whole.ci_high if higher else pruned_mean < whole.ci_low
    print(
        f"compute with {rule} / without: {ratio:.2f} (goal <= 0.5, aim 0.33); the pruned search's "
        f"best {'lies within' if inside else 'lies outside'} the unpruned one's interval"
        f"{'' if inside else (' (better)' if better else ' (worse)')}"
    )


if __name__ == "__main__":
    main()
