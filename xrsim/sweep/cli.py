"""The command line of ``python -m xrsim.sweep``.

Exit status: 0 every run ok, 1 some run failed (each is in results.jsonl with its
message), 2 a bad spec or option (one line naming the file and field), 130 interrupted
(run the same command again to resume).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from xrsim.arguments import ArgumentParser
from xrsim.errors import SpecError
from xrsim.sweep.executors import EXECUTORS, default_workers, open_executor
from xrsim.sweep.plan import Sweep
from xrsim.sweep.runner import SweepOutcome, execute, load_sweep, read_spec
from xrsim.sweep.store import ResultsLog, best_configurations

EXIT_OK, EXIT_FAILED_RUNS, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130
SHOWN_IN_DRY_RUN = 5


def build_parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(
        prog="python -m xrsim.sweep",
        description="Run every (design, scenario, option, seed) of an experiment spec, or the trials of "
                    "its search: block, and tabulate the results. Runs already in the output folder are "
                    "skipped, so a killed sweep or search resumes where it stopped. The spec's keys are "
                    "in docs/sweep.md.")
    parser.add_argument("spec", help="the experiment spec (YAML)")
    parser.add_argument("--out", metavar="DIR", help="results folder (default: out/<spec name>)")
    parser.add_argument("--executor", choices=EXECUTORS, default="process",
                        help="process: a pool of processes on this machine; serial: in this process; "
                             "dask: a Dask cluster (default: process)")
    parser.add_argument("--workers", type=int, metavar="N",
                        help=f"processes (or Dask workers of a local cluster) (default: {default_workers()}, "
                             "the cores here)")
    parser.add_argument("--dask-address", metavar="HOST:PORT",
                        help="the scheduler of a running Dask cluster (default: start a local one)")
    parser.add_argument("--dry-run", action="store_true",
                        help="say how many runs there are, how many are done, and show the first few")
    parser.add_argument("--quiet", action="store_true",
                        help="no progress bar and no table, only the last line")
    parser.add_argument("--json", action="store_true", help="print the final summary as JSON")
    return parser


def _describe(run_labels: dict[str, object]) -> str:
    return ", ".join(f"{k}={v}" for k, v in run_labels.items())


def dry_run(sweep: Sweep, out: Path, as_json: bool) -> int:
    latest = ResultsLog(out / "results.jsonl").latest() if (out / "results.jsonl").exists() else {}
    done = sum(1 for r in sweep.runs if latest.get(r.point.key, {}).get("status") == "ok")
    first = [r for r in sweep.runs if latest.get(r.point.key, {}).get("status") != "ok"][:SHOWN_IN_DRY_RUN]
    if as_json:
        print(json.dumps({"out": str(out), "planned": len(sweep.runs), "done": done,
                          "to_run": len(sweep.runs) - done, "first": [r.labels for r in first]}, indent=2))
        return EXIT_OK
    sets = len(sweep.runs) // max(1, len(sweep.designs) * len(sweep.scenarios))
    print(f"{sweep.name}: {len(sweep.runs)} runs ({len(sweep.designs)} designs x {len(sweep.scenarios)} "
          f"scenarios x {sets} seed and option sets), {done} already done in {out}, "
          f"{len(sweep.runs) - done} to run")
    for run in first:
        print(f"  {_describe(run.labels)}")
        print(f"    {run.command}")
    return EXIT_OK


def report(outcome: SweepOutcome, quiet: bool, as_json: bool) -> None:
    rate = outcome.done / outcome.wall_s if outcome.wall_s > 0 else 0.0
    failed_now = sum(1 for r in outcome.rows if r["status"] != "ok")
    best = best_configurations(outcome.rows, outcome.varying)
    if as_json:
        print(json.dumps({
            "out": str(outcome.out), "planned": len(outcome.sweep.runs), "done": outcome.done,
            "skipped": outcome.skipped, "failed": outcome.failed, "failed_in_sweep": failed_now,
            "interrupted": outcome.interrupted, "wall_s": outcome.wall_s, "runs_per_s": rate,
            "best": [{"configuration": label, "score": score, "runs": n} for label, score, n in best],
        }, indent=2))
        return
    for note in outcome.notes:
        print(f"xrsim.sweep: note: {note}", file=sys.stderr)
    failures = [r for r in outcome.rows if r["status"] != "ok"]
    if failures:
        print(f"xrsim.sweep: {len(failures)} run(s) failed (summary.md lists them); the first: "
              f"{failures[0].get('error')}", file=sys.stderr)
    if outcome.broken:
        print(f"xrsim.sweep: error: the executor stopped taking runs ({outcome.broken}); the runs in "
              "flight are recorded as failed and the rest were not started: run again to resume",
              file=sys.stderr)
    if not quiet and best:
        width = max(len("best configurations"), *(len(label) for label, _, _ in best))
        print(f"{'best configurations':<{width}}  {'score':>7}  runs")
        for label, score, n in best:
            print(f"{label:<{width}}  {score:>7.2f}  {n:>4}")
        print(f"results in {outcome.out}/: results.jsonl, runs.csv, summary.md, manifest.json")
    status = "interrupted: run again to resume; " if outcome.interrupted else ""
    print(f"{status}{len(outcome.sweep.runs)} runs: {outcome.done} done, {outcome.skipped} skipped, "
          f"{outcome.failed} failed in {outcome.wall_s:.1f} s ({rate:.0f} runs/s)")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        spec, source = read_spec(args.spec)
        if spec.search is not None:
            from xrsim.sweep.search_cli import search_main

            return search_main(spec, source, args)
        if args.dry_run:
            return dry_run(*load_sweep(args.spec, args.out), as_json=args.json)
        with open_executor(args.executor, args.workers, args.dask_address) as (executor, workers):
            sweep, out = load_sweep(args.spec, args.out)  # while the workers start
            bar = None
            if not args.quiet and not args.json and sys.stderr.isatty():
                from tqdm import tqdm

                bar = tqdm(total=len(sweep.runs), unit="run", desc=sweep.name, dynamic_ncols=True)
            try:
                outcome = execute(sweep, out, executor, workers, progress=bar.update if bar else None)
            finally:
                if bar is not None:
                    bar.close()
            if outcome.interrupted:
                executor.shutdown(wait=False, cancel_futures=True)
    except SpecError as exc:
        print(f"xrsim.sweep: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # the reader went away (| head): nothing more to say
        return EXIT_OK
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"xrsim.sweep: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        report(outcome, args.quiet, args.json)
    except BrokenPipeError:
        return EXIT_OK
    if outcome.interrupted:
        return EXIT_INTERRUPTED
    return EXIT_FAILED_RUNS if any(r["status"] != "ok" for r in outcome.rows) else EXIT_OK
