"""Wall time of the default engine: 60 s of simulated time of ``ar_assistant`` on a quad
design (xrbench-8k-M) with EDF, at model granularity (target < 1 s) and in 4-layer blocks
(target < 5 s). Not a test: timings depend on the machine, so they live here.

Blocks need per-layer costs: the default backend is ``analytical``; ``calibrated``
gives the reference's load (its model totals split over layers); ``table`` has model
totals only, so its block case is skipped.

    python benchmarks/bench_engine.py            # full: 60 s simulated, best of 3
    python benchmarks/bench_engine.py --smoke    # CI: 2 s simulated, one repetition
"""

from __future__ import annotations

import argparse
import time

from xrsim.cost import CostTable, get_cost_model
from xrsim.hardware import load_hardware
from xrsim.sim.config import SimConfig
from xrsim.sim.engine import run_default
from xrsim.workload import load_scenario

TARGETS_S = {"model": 1.0, "block:4": 5.0}


def bench(costs: CostTable, granularity: str, duration_s: float, repeat: int) -> tuple[float, int]:
    scenario = load_scenario("ar_assistant")
    config = SimConfig(scheduler="edf", granularity=granularity)
    best = float("inf")
    records = 0
    for _ in range(repeat):
        start = time.perf_counter()
        trace = run_default(scenario, costs, config, seed=0, duration_s=duration_s)
        best = min(best, time.perf_counter() - start)
        records = len(trace)
    return best, records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--costs", default="analytical", help="cost backend (default: analytical)")
    parser.add_argument("--hardware", default="xrbench-8k-M")
    parser.add_argument("--duration-s", type=float, default=60.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--smoke", action="store_true", help="2 s simulated, once (for CI)")
    args = parser.parse_args()
    duration, repeat = (2.0, 1) if args.smoke else (args.duration_s, args.repeat)

    system = load_hardware(args.hardware)
    models = load_scenario("ar_assistant").models.values()
    backend = get_cost_model(args.costs)
    table = CostTable.build(backend, system, models)
    has_layers = all(c.layers is not None for c in table.costs.values())
    print(f"ar_assistant on {system.name}, EDF, {duration:g} s simulated, costs {args.costs}, "
          f"best of {repeat}")
    for granularity, target in TARGETS_S.items():
        if granularity != "model" and not has_layers:
            print(f"  {granularity:<8} skipped: backend '{args.costs}' has no per-layer costs")
            continue
        wall, records = bench(table, granularity, duration, repeat)
        verdict = "" if args.smoke else (" - meets target" if wall < target else " - MISSES target")
        print(f"  {granularity:<8} {wall:7.3f} s wall for {records} inferences "
              f"(target < {target:g} s{verdict})")


if __name__ == "__main__":
    main()
