"""``python -m xrsim.sweep SPEC`` for a spec with a ``search:`` block: plan the search (every
check before anything runs), run it on the chosen executor, write pareto.csv, trials.csv
and the pareto figure beside the sweep's usual files, and report."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from xrsim.sweep.cli import EXIT_FAILED_RUNS, EXIT_INTERRUPTED, EXIT_OK, report
from xrsim.sweep.executors import open_executor
from xrsim.sweep.runner import out_folder
from xrsim.sweep.search import Search, SearchOutcome, execute_search
from xrsim.sweep.spec import _SweepBase


def describe(search: Search) -> list[str]:
    spec = search.search
    lines = [f"{search.name}: search {spec.algorithm}, {spec.trials} trials in batches of {spec.batch} "
             f"(seed {spec.seed}), each {len(search.scenarios)} scenario(s) x its seeds",
             "objectives: " + ", ".join(f"{o.label} {o.goal}" for o in search.objectives)]
    if search.constraints:
        lines.append("constraints: " + ", ".join(c.label for c in search.constraints))
    for d in search.dimensions:
        shown = (", ".join(map(str, d.labels)) if d.choices is not None else
                 f"{d.low} .. {d.high}" + (f" step {d.step}" if d.step else "") + (" log" if d.log else ""))
        lines.append(f"  {d.name}: {shown}")
    return lines


def draw_front(outcome: SearchOutcome) -> list[Path]:
    """The pareto figure (plots/pareto.py) of the first two objectives, every feasible design
    a point; none with one objective."""
    search = outcome.search
    if len(search.objectives) < 2:
        return []
    from xrsim.plots.pareto import pareto
    from xrsim.plots.style import save

    y, x = search.objectives[0], search.objectives[1]
    rows = [{"design": t.design, x.label: t.measures[x.label], y.label: t.measures[y.label]}
            for t in outcome.trials if t.values is not None and t.feasible]
    if not rows:
        return []
    fig = pareto(rows, x=x.label, y=y.label, minimise_x=x.goal == "min", maximise_y=y.goal == "max",
                 x_label=f"{x.label} ({x.goal})", y_label=f"{y.label} ({y.goal})", max_labels=5)
    paths = [search.out / "pareto.pdf", search.out / "pareto.png"]
    save(fig, *paths)
    return paths


def search_main(spec: _SweepBase, source: Path | None, args: argparse.Namespace) -> int:
    from xrsim.sweep.search import Search

    out = out_folder(spec, source, args.out)
    if args.dry_run:
        search = Search(spec, source, out)
        if args.json:
            print(json.dumps({"out": str(out), "trials": search.search.trials,
                              "dimensions": [d.name for d in search.dimensions]}, indent=2))
        else:
            print("\n".join(describe(search)))
        return EXIT_OK
    with open_executor(args.executor, args.workers, args.dask_address) as (executor, workers):
        search = Search(spec, source, out)
        bar = None
        if not args.quiet and not args.json and sys.stderr.isatty():
            from tqdm import tqdm

            bar = tqdm(total=search.search.trials, unit="trial", desc=search.name, dynamic_ncols=True)
        try:
            outcome = execute_search(search, executor, workers, progress=bar.update if bar else None)
        finally:
            if bar is not None:
                bar.close()
        if outcome.sweep_outcome.interrupted:
            executor.shutdown(wait=False, cancel_futures=True)
    figures = draw_front(outcome)
    told, complete = len(outcome.trials), sum(t.values is not None for t in outcome.trials)
    feasible = sum(t.values is not None and t.feasible for t in outcome.trials)
    if args.json:
        runs = outcome.sweep_outcome
        print(json.dumps({"out": str(out), "runs": len(runs.sweep.runs), "done": runs.done,
                          "skipped": runs.skipped, "failed": runs.failed, "interrupted": runs.interrupted,
                          "wall_s": runs.wall_s, "trials": told, "complete": complete, "feasible": feasible,
                          "pareto": [{"trial": t.number, "design": t.design, **t.measures}
                                     for t in outcome.front]}, indent=2))
    else:
        report(outcome.sweep_outcome, quiet=True, as_json=False)
        if not args.quiet:
            for t in outcome.front:
                shown = ", ".join(f"{o.label} {t.measures[o.label]:.4g}" for o in search.objectives)
                print(f"  pareto: trial {t.number} {t.design}: {shown}")
        files = ", ".join(["pareto.csv", "trials.csv", *(p.name for p in figures)])
        print(f"search: {told} of {search.search.trials} trials told ({complete} complete, {feasible} "
              f"feasible), {len(outcome.front)} on the Pareto front: {out}/{{{files}}}")
    if outcome.sweep_outcome.interrupted:
        return EXIT_INTERRUPTED
    return EXIT_FAILED_RUNS if outcome.sweep_outcome.broken else EXIT_OK
