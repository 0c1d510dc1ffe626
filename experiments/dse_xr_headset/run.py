"""The design-space study of README.md: search, full grid, XRBench's designs, compared.

    python experiments/dse_xr_headset/run.py [--out DIR] [--workers N] [--no-grid] [--smoke]

runs search.yaml into DIR/search, the same space as a grid into DIR/grid (the reference the
search is measured against; --no-grid skips it), and the 26 XRBench designs re-targeted to
the study's node into DIR/xrbench; then writes DIR/results.md and DIR/dse.pdf|png. Every
part resumes where it was killed. --smoke shrinks the space, the trials and the scenarios
(for the tests: a minute's work becomes seconds).
"""

from __future__ import annotations

import argparse
import copy
import math
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

from xrsim.arguments import ArgumentParser
from xrsim.errors import SpecError

HERE = Path(__file__).resolve().parent
RETARGET = {"technology_nm": 7, "energy_table": "int8-7nm", "dram.memory_type": "LPDDR5"}
"""XRBench's designs moved to the study's node, energies and memory (their PE counts,
buffers, dataflows and DRAM bandwidths kept)."""
SMALL_PE_BUFFER = 64
POWER_BUDGETS_W = (0.9, 1.0, 1.1, 1.25, 1.5)
"""The power budget is an assumption: the best design within the area budget at each of
these shows how much the conclusions hang on it."""
SMOKE = {"trials": 16, "scenarios": ["vr_gaming", "ar_gaming"], "duration_s": 0.3,
         "generate": {"pe_budget": {"low": 1024, "high": 4096, "step": 1024}, "split": ["single", "dual"],
                      "global_buffer_kib": [512, 2048], "dram_gb_per_s": [32], "pe_buffer_bytes": [16, 256]}}


def study_spec(smoke: bool) -> dict[str, Any]:
    spec = yaml.safe_load((HERE / "search.yaml").read_text())
    if smoke:
        spec["search"]["trials"] = SMOKE["trials"]
        spec["scenarios"], spec["duration_s"] = SMOKE["scenarios"], SMOKE["duration_s"]
        spec["search"]["space"]["generate"].update(SMOKE["generate"])
    return spec


def grid_spec(search: dict[str, Any]) -> dict[str, Any]:
    """The search's space, every point of it: ranges become their lists of values."""
    generate = {}
    for key, value in search["search"]["space"]["generate"].items():
        if isinstance(value, dict):
            value = list(range(value["low"], value["high"] + 1, value.get("step", 1)))
        generate[key] = value
    spec = {k: v for k, v in search.items() if k != "search"}
    return {**spec, "name": f"{search['name']}_grid", "designs": [{"generate": generate}]}


def xrbench_spec(search: dict[str, Any]) -> dict[str, Any]:
    spec = {k: v for k, v in search.items() if k != "search"}
    return {**spec, "name": f"{search['name']}_xrbench", "designs": ["xrbench-*"],
            "set": {**RETARGET, "sub_accelerators.*.pe_buffer_bytes": [None, SMALL_PE_BUFFER]}}


def designs(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One entry per design (and override) of a results folder: its mean score over the
    scenarios and seeds, its area, its worst average power, its PEs."""
    groups: dict[tuple[str, Any], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[(row["design"], row.get("set.sub_accelerators.*.pe_buffer_bytes"))].append(row)
    out = []
    for (design, buffer), runs in groups.items():
        label = design if buffer is None else f"{design} (PE buffers {buffer} B)"
        out.append({"design": label, "score": sum(r["score"] for r in runs) / len(runs),
                    "min_score": min(r["score"] for r in runs), "area_mm2": runs[0]["area_mm2"],
                    "power_w": max(r["power_avg_w"] for r in runs), "pes": runs[0]["total_pes"],
                    "runs": len(runs)})
    return out


def feasible(entry: dict[str, Any], area_mm2: float, power_w: float) -> bool:
    return entry["area_mm2"] <= area_mm2 and entry["power_w"] <= power_w


TIE = 0.005
"""Scores closer than this (the tables' precision) are ties: a bigger buffer that lifts
the energy term in the sixth digit does not make a design of the front."""


def front(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Area down, score up: the entries no other beats, by area."""
    kept: list[dict[str, Any]] = []
    for entry in sorted(entries, key=lambda e: (e["area_mm2"], -e["score"], e["design"])):
        if not kept or entry["score"] > kept[-1]["score"] + TIE:
            kept.append(entry)
    return kept


def hypervolume(points: list[dict[str, Any]], area_mm2: float) -> float:
    """The area x score region the front dominates, up to the area budget and from score 0."""
    total = 0.0
    edge = front(points)
    for i, entry in enumerate(edge):
        right = edge[i + 1]["area_mm2"] if i + 1 < len(edge) else area_mm2
        total += (right - entry["area_mm2"]) * entry["score"]
    return total


def best_within(entries: list[dict[str, Any]], area_mm2: float, power_w: float) -> dict[str, Any]:
    """The best score within both budgets; of scores that tie (within TIE), the smallest."""
    ok = [e for e in entries if feasible(e, area_mm2, power_w)]
    top = max(e["score"] for e in ok)
    return min((e for e in ok if e["score"] >= top - TIE), key=lambda e: (e["area_mm2"], e["design"]))


def budgets(spec: dict[str, Any]) -> tuple[float, float]:
    """The area and power bounds of the search's constraints."""
    bounds = {}
    for text in spec["search"]["constraints"]:
        measure, _, value = text.split()
        bounds["area" if "area_mm2" in measure else "power"] = float(value)
    return bounds["area"], bounds["power"]


def table(entries: list[dict[str, Any]]) -> list[str]:
    lines = ["| design | PEs | area (mm^2) | worst avg power (W) | mean score | lowest score |",
             "|---|---:|---:|---:|---:|---:|"]
    lines += [f"| `{e['design']}` | {e['pes']:,} | {e['area_mm2']:.2f} | {e['power_w']:.3f} | "
              f"{e['score']:.2f} | {e['min_score']:.2f} |" for e in entries]
    return lines


def report(spec: dict[str, Any], found: list[dict[str, Any]], grid: list[dict[str, Any]] | None,
           xrbench: list[dict[str, Any]], search_runs: int) -> str:
    area, power = budgets(spec)
    ok = [e for e in found if feasible(e, area, power)]
    lines = [f"# {spec['name']}: results", "",
             f"Budget: area <= {area:g} mm^2, average power <= {power:g} W in every scenario; "
             f"{len(spec['scenarios'])} scenarios of {spec['duration_s']} s.", "",
             f"## The search's front ({search_runs:,} runs, {len(found)} designs, {len(ok)} within budget)",
             "", *table(front(ok))]
    if grid is not None:
        grid_ok = [e for e in grid if feasible(e, area, power)]
        grid_runs = sum(e["runs"] for e in grid)
        coverage = hypervolume(ok, area) / hypervolume(grid_ok, area)
        lines += ["", f"## The full grid's front ({grid_runs:,} runs, {len(grid):,} designs, "
                      f"{len(grid_ok):,} within budget)", "", *table(front(grid_ok)), "",
                  f"The search used {search_runs:,} runs, {search_runs / grid_runs:.1%} of the grid's, "
                  f"and its front covers {coverage:.1%} of the hypervolume of the grid's "
                  f"(area from the budget down, score from 0).", "",
                  f"## How much the power budget decides (the grid's best within {area:g} mm^2)", "",
                  *table([best_within(grid, area, watts) for watts in POWER_BUDGETS_W
                          if any(feasible(e, area, watts) for e in grid)]),
                  "", "(one row per power budget: " + ", ".join(f"{w:g} W" for w in POWER_BUDGETS_W) + ")"]
    xr_ok = [e for e in xrbench if feasible(e, area, power)]
    best = best_within(xrbench, math.inf, math.inf)
    lines += ["", f"## XRBench's 26 designs at the study's node ({len(xr_ok)} of {len(xrbench)} "
                  "within budget)",
              "", *table(sorted(xrbench, key=lambda e: (e["area_mm2"], e["design"]))[:6]), "",
              f"(the six smallest; the best scoring is `{best['design']}`: {best['score']:.2f} at "
              f"{best['area_mm2']:.1f} mm^2 and {best['power_w']:.2f} W)"]
    return "\n".join(lines) + "\n"


def figure(found: list[dict[str, Any]], grid: list[dict[str, Any]] | None, xrbench: list[dict[str, Any]],
           area: float, power: float) -> Any:
    from xrsim.plots.style import COLUMN_WIDTH_IN, colour, pyplot

    plt = pyplot()
    fig, ax = plt.subplots(figsize=(COLUMN_WIDTH_IN, 2.8), layout="constrained")
    if grid is not None:
        ax.scatter([e["area_mm2"] for e in grid], [e["score"] for e in grid], s=3, color="#cccccc",
                   label="grid design", rasterized=True)
        edge = front([e for e in grid if feasible(e, area, power)])
        ax.plot([e["area_mm2"] for e in edge], [e["score"] for e in edge], color="#777777", linewidth=1,
                drawstyle="steps-post", label="grid's front")
    edge = front([e for e in found if feasible(e, area, power)])
    ax.scatter([e["area_mm2"] for e in found], [e["score"] for e in found], s=6, color=colour(1),
               label="searched design")
    ax.plot([e["area_mm2"] for e in edge], [e["score"] for e in edge], color=colour(0), marker="o",
            markersize=3, linewidth=1, drawstyle="steps-post", label="search's front")
    ax.scatter([e["area_mm2"] for e in xrbench], [e["score"] for e in xrbench], s=12, marker="x",
               color=colour(2), label="XRBench design, 7 nm")
    ax.axvline(area, color="black", linewidth=0.6, linestyle="--")
    ax.set_xscale("log")
    ax.set_xlabel("area (mm$^2$, 7 nm)")
    ax.set_ylabel("mean XRBench score")
    fig.legend(*ax.get_legend_handles_labels(), loc="outside upper center", ncols=3, frameon=False,
               fontsize=6)
    return fig


def main() -> int:
    from xrsim.plots.data import load_results
    from xrsim.plots.style import save
    from xrsim.sweep import run_search, run_sweep

    parser = ArgumentParser(prog="python experiments/dse_xr_headset/run.py",
                            description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=HERE / "results")
    parser.add_argument("--workers", type=int)
    parser.add_argument("--no-grid", action="store_true", help="skip the full grid (the comparison)")
    parser.add_argument("--smoke", action="store_true", help="a small space, for the tests")
    args: argparse.Namespace = parser.parse_args()
    spec = study_spec(args.smoke)
    try:
        failed = run_search(copy.deepcopy(spec), out=args.out / "search", workers=args.workers
                            ).sweep_outcome.failed
        found = designs(load_results(args.out / "search"))
        search_runs = len(load_results(args.out / "search"))
        grid = None
        if not args.no_grid:
            rows = run_sweep(grid_spec(spec), out=args.out / "grid", workers=args.workers)
            failed += sum(r["status"] != "ok" for r in rows)
            grid = designs(load_results(args.out / "grid"))
        rows = run_sweep(xrbench_spec(spec), out=args.out / "xrbench", workers=args.workers)
        failed += sum(r["status"] != "ok" for r in rows)
        xrbench = designs(load_results(args.out / "xrbench"))
    except SpecError as exc:
        print(f"{parser.prog}: error: {exc}", file=sys.stderr)
        return 2
    (args.out / "results.md").write_text(report(spec, found, grid, xrbench, search_runs))
    area, power = budgets(spec)
    save(figure(found, grid, xrbench, area, power), args.out / "dse.pdf", args.out / "dse.png")
    print(f"{args.out / 'results.md'} written")
    print(f"{args.out / 'dse'}.pdf and .png written")
    if failed:
        print(f"{parser.prog}: {failed} run(s) failed (their errors are in the folders' runs.csv); "
              "the tables leave them out: run again to retry them", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
