"""The default engine on ``ar_assistant`` on the quad design xrbench-8k-M, EDF, analytical
per-layer costs (the cost table is built before timing): model granularity for 60 s of
simulated time, and 4-layer blocks with preemption for 10 s (issue 11's cases and
targets: at most 2.5 events per inference and under 45 ms; under 150 ms).

Each figure is the best CPU time of a few runs, and is also given as a ratio to a floor
measured in this process: the events the run needs (the floor count: a release per frame
and an end per block it ran; a cascade's dependant released at its upstream's completion
needs none of its own) at the cost of a bare heapq event loop's event (benchmarks/floor.py).

    python benchmarks/bench_engine.py            # full: best of 5
    python benchmarks/bench_engine.py --smoke    # CI: 2 s and 1 s simulated, once
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TypeVar

import simpy
from floor import cpu_best_s, heap_event_s

from xrsim.cost import CostTable, get_cost_model
from xrsim.hardware import load_hardware
from xrsim.sim.block_costs import BlockTable
from xrsim.sim.config import SimConfig
from xrsim.sim.engine import run_default
from xrsim.sim.trace import Trace
from xrsim.workload import Scenario, load_scenario

T = TypeVar("T")
# granularity, preemptive, simulated s, target CPU s, target events per inference
CASES = (("model", False, 60.0, 0.045, 2.5), ("block:4", True, 10.0, 0.150, None))


def count_events(run: Callable[[], T]) -> tuple[int, T]:
    """SimPy events one run processes (an extra, untimed run with a counting step)."""
    count = 0
    step = simpy.Environment.step

    def counting(env: simpy.Environment) -> None:
        nonlocal count
        count += 1
        step(env)

    simpy.Environment.step = counting  # type: ignore[method-assign]
    try:
        result = run()
    finally:
        simpy.Environment.step = step  # type: ignore[method-assign]
    return count, result


def needed_events(trace: Trace, table: CostTable, scenario: Scenario, granularity: str) -> int:
    """A release per frame released, an end per block run (dropped frames run none)."""
    per_block = SimConfig(granularity=granularity).granularity_spec.layers_per_block
    blocks = BlockTable.build(table, scenario, per_block)
    return len(trace) + sum(len(blocks.get(r.model, r.sub_index)) for r in trace if not r.dropped
                            and r.sub_index is not None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hardware", default="xrbench-8k-M")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--smoke", action="store_true", help="short runs, once (for CI)")
    args = parser.parse_args()
    repeat = 1 if args.smoke else args.repeat
    system = load_hardware(args.hardware)
    scenario = load_scenario("ar_assistant")
    table = CostTable.build(get_cost_model("analytical"), system, scenario.models.values())
    event_s = heap_event_s(50_000 if args.smoke else 300_000)
    print(f"ar_assistant on {system.name}, EDF, analytical costs, best CPU time of {repeat}; "
          f"floor: a bare heapq event loop, {event_s * 1e6:.3f} us per event")
    for granularity, preemptive, duration, target_s, target_events in CASES:
        if args.smoke:
            duration = min(duration, 2.0 if granularity == "model" else 1.0)
        config = SimConfig(scheduler="edf", granularity=granularity, preemptive=preemptive)

        def run(config: SimConfig = config, duration: float = duration) -> Trace:
            return run_default(scenario, table, config, seed=0, duration_s=duration)

        cpu, trace = cpu_best_s(run, repeat)
        events, _ = count_events(run)
        needed = needed_events(trace, table, scenario, granularity)
        frames = len(trace)
        name = granularity + (" preemptive" if preemptive else "")
        line = (f"  {name:<18} {duration:g} s simulated: {cpu * 1e3:7.1f} ms, {frames} inferences, "
                f"{events / frames:.2f} events per inference (floor count {needed / frames:.2f}), "
                f"{cpu / (needed * event_s):.1f}x the floor")
        if not args.smoke:
            met = cpu < target_s and (target_events is None or events / frames <= target_events)
            goal = f"< {target_s * 1e3:g} ms" + (f", <= {target_events} events" if target_events else "")
            line += f" (target {goal}: {'met' if met else 'NOT met'})"
        print(line)


if __name__ == "__main__":
    main()
