"""Benchmark: sweeps, serial and on the process pool, start-up and result writing included.

Cases (targets from the sweep issue, for 2 cores):
  figure5   the Figure 5 sweep, 26 designs x 7 scenarios, mode xrbench, table costs, one
            seed (182 runs), as the command `python -m xrsim.sweep` (start-up included):
            serial and with 2 workers; target < 2 s wall with the pool
  xrbench   10,010 mode-xrbench runs (the Figure 5 grid x 55 seeds), 2 workers; target < 15 s
  default   10,584 mode-default runs with analytical costs over 126 generated designs
            (3 budgets x 5 splits x every dataflow assignment, 7 scenarios, 12 seeds),
            2 workers; target < 40 s
  speedup   the same 1,001 mode-xrbench runs (13 4K designs x 7 scenarios x 11 seeds)
            serially and with 2 workers; target >= 1.8x

Run by hand:  python benchmarks/bench_sweep.py   (CI: --smoke, every case at a few runs).
Each case writes to a fresh temporary folder, so nothing is skipped as already done.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from xrsim.sweep import run_sweep
from xrsim.sweep.executors import SerialExecutor

SCENARIOS = ["ar_assistant", "ar_gaming", "outdoor_activity_a", "outdoor_activity_b",
             "social_interaction_a", "social_interaction_b", "vr_gaming"]
FIGURE5: dict[str, Any] = {"designs": ["xrbench-4k-*", "xrbench-8k-*"], "scenarios": SCENARIOS,
                           "mode": "xrbench", "costs": "table"}
GENERATED: dict[str, Any] = {
    "designs": [{"generate": {
        "pe_budget": [2048, 4096, 8192], "split": ["single", "dual", "quad", "big_little", "little_big"],
        "dataflows": "all", "global_buffer_kib": 2048, "noc_words_per_cycle": 128, "pe_buffer_bytes": 8192,
        "dram_gb_per_s": 128, "ws_variant": "nvdla"}}],
    "scenarios": SCENARIOS, "mode": "default", "costs": "analytical"}


def timed_sweep(spec: dict[str, Any], folder: Path, workers: int) -> tuple[int, float]:
    start = time.perf_counter()
    executor = SerialExecutor() if workers == 1 else None
    rows = run_sweep(spec, out=folder, executor=executor, workers=workers)
    elapsed = time.perf_counter() - start
    assert all(r["status"] == "ok" for r in rows), [r for r in rows if r["status"] != "ok"][:1]
    return len(rows), elapsed


def timed_command(spec: dict[str, Any], folder: Path, executor: str) -> float:
    path = folder / "spec.yaml"
    folder.mkdir(parents=True)
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "xrsim.sweep", str(path), "--out", str(folder / "out"),
                    "--executor", executor, "--workers", "2", "--quiet"],
                   check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def report(case: str, runs: int, elapsed: float, target_s: float | None = None) -> None:
    against = (f" (target < {target_s:g} s: {'met' if elapsed < target_s else 'NOT met'}, "
               f"{target_s / elapsed:.1f}x inside it)" if target_s else "")
    print(f"bench_sweep {case}: {runs:,} runs in {elapsed:.2f} s, {runs / elapsed:,.0f} runs/s{against}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="every case at a few runs (CI)")
    args = parser.parse_args()
    smoke = args.smoke
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        # First, while this process is small: a pool forks it, and a process grown by the
        # cases below would make every fork dearer than a user's fresh sweep pays.
        same = {**FIGURE5, "designs": ["xrbench-4k-*"], "seeds": 1 if smoke else 11}
        n1, one = timed_sweep(same, root / "speed-serial", 1)
        n2, two = timed_sweep(same, root / "speed-pool", 2)
        report("speed-up case, serial", n1, one)
        report("speed-up case, 2 workers", n2, two)
        verdict = "" if smoke else f" (target >= 1.8x: {'met' if one / two >= 1.8 else 'NOT met'})"
        print(f"bench_sweep speed-up: {one / two:.2f}x from 2 workers over serial{verdict}")
        figure5 = {**FIGURE5, "designs": ["xrbench-4k-[AB]"]} if smoke else FIGURE5
        serial = timed_command(figure5, root / "f5-serial", "serial")
        pooled = timed_command(figure5, root / "f5-process", "process")
        runs = 14 if smoke else 182
        report("figure5 command, serial", runs, serial)
        report("figure5 command, 2 workers", runs, pooled, None if smoke else 2.0)

        xrbench = {**FIGURE5, "seeds": 2 if smoke else 55}
        report("xrbench, 2 workers", *timed_sweep(xrbench, root / "xrbench", 2), None if smoke else 15.0)

        generated = {**GENERATED, "seeds": 1 if smoke else 12}
        if smoke:
            generated["designs"] = [{"generate": {**GENERATED["designs"][0]["generate"], "pe_budget": 2048,
                                                  "split": "dual"}}]
            generated["scenarios"] = ["vr_gaming"]
        report("default over generated designs, 2 workers",
               *timed_sweep(generated, root / "generated", 2), None if smoke else 40.0)



if __name__ == "__main__":
    main()
