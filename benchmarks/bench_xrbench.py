"""Benchmark: mode xrbench over XRBench's Figure 5 grid (26 designs x 7 scenarios).

The reference implementation takes about 1.5 to 4 s of CPU per run (docs/xrbench.md).
This measures xrsim's wall time per run, cost tables included, and prints the ratio to
1.5 s. Run by hand:  python benchmarks/bench_xrbench.py   (CI: --smoke, 4 runs).
"""

from __future__ import annotations

import argparse
import time

from xrsim.hardware import list_hardware, load_hardware
from xrsim.run import simulate
from xrsim.workload import load_scenario

SCENARIOS = ("vr_gaming", "ar_gaming", "ar_assistant", "outdoor_activity_a", "outdoor_activity_b",
             "social_interaction_a", "social_interaction_b")
REFERENCE_S_PER_RUN = 1.5  # the fastest the reference runs (docs/xrbench.md)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="a few runs only (CI)")
    args = parser.parse_args()
    designs = [n for n in list_hardware() if n.startswith("xrbench-")]
    scenarios = SCENARIOS
    if args.smoke:
        designs, scenarios = designs[:2], scenarios[:2]
    systems = [load_hardware(d) for d in designs]
    loaded = [load_scenario(s) for s in scenarios]
    start = time.perf_counter()
    runs = 0
    for system in systems:
        for scenario in loaded:
            simulate(system, scenario, mode="xrbench", costs="table", seed=0)
            runs += 1
    elapsed = time.perf_counter() - start
    per_run = elapsed / runs
    print(f"bench_xrbench: {runs} runs in {elapsed:.3f} s: {per_run * 1e3:.1f} ms per run, "
          f"{REFERENCE_S_PER_RUN / per_run:.0f}x faster than the reference's {REFERENCE_S_PER_RUN} s")


if __name__ == "__main__":
    main()
