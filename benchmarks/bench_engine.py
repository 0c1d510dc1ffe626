"""Wall time of the default engine: 60 s of simulated time of ``ar_assistant`` on a quad
design (xrbench-8k-M) with EDF, at model granularity (target < 1 s) and in 4-layer blocks
(target < 5 s). Not a test: timings depend on the machine, so they live here.

Blocks need per-layer costs. With a backend that has them (``--costs analytical``) the
run is real; with one that has only model totals (``table``) the benchmark spreads each
model's cost over its layers in proportion to their MACs (``--split-layers``, on by
default for such backends) - synthetic costs, good only for timing the engine, which
does the same work whatever the numbers are.

    python benchmarks/bench_engine.py            # full: 60 s simulated, best of 3
    python benchmarks/bench_engine.py --smoke    # CI: 2 s simulated, one repetition
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace

import numpy as np

from xrsim.cost import CostModel, CostTable, LayerCosts, ModelCost, get_cost_model
from xrsim.hardware import HardwareSystem, load_hardware
from xrsim.hardware.spec import SubAccelerator
from xrsim.sim.config import SimConfig
from xrsim.sim.engine import run_default
from xrsim.workload import Model, load_scenario

TARGETS_S = {"model": 1.0, "block:4": 5.0}


class SplitLayers(CostModel):
    """Whole-model costs spread over the layers by MACs (each layer gets at least one
    MAC's share, so vector layers are not free). For timing only."""

    name = "split-layers"

    def __init__(self, inner: CostModel) -> None:
        self.inner = inner

    def model_cost(self, model: Model, sub: SubAccelerator, system: HardwareSystem) -> ModelCost:
        cost = self.inner.model_cost(model, sub, system)
        if cost.layers is not None:
            return cost
        weight = np.array([max(layer.macs, 1) for layer in model.layers], dtype=float)
        share = weight / weight.sum()
        n = len(model.layers)
        layers = LayerCosts(
            names=tuple(layer.name for layer in model.layers), macs=weight, cycles=np.zeros(n),
            latency_s=cost.latency_s * share, energy_j=cost.energy_j * share,
            dram_bytes=np.zeros(n), utilisation=np.ones(n), bound=("compute",) * n)
        return replace(cost, layers=layers)


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
    parser.add_argument("--costs", default="table", help="cost backend (default: table)")
    parser.add_argument("--hardware", default="xrbench-8k-M")
    parser.add_argument("--duration-s", type=float, default=60.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-split-layers", action="store_true",
                        help="skip the block case when the backend has no per-layer costs")
    parser.add_argument("--smoke", action="store_true", help="2 s simulated, once (for CI)")
    args = parser.parse_args()
    duration, repeat = (2.0, 1) if args.smoke else (args.duration_s, args.repeat)

    system = load_hardware(args.hardware)
    models = load_scenario("ar_assistant").models.values()
    backend = get_cost_model(args.costs)
    whole = CostTable.build(backend, system, models)
    has_layers = all(c.layers is not None for c in whole.costs.values())
    print(f"ar_assistant on {system.name}, EDF, {duration:g} s simulated, costs {args.costs}, "
          f"best of {repeat}")
    for granularity, target in TARGETS_S.items():
        table, note = whole, ""
        if granularity != "model" and not has_layers:
            if args.no_split_layers:
                print(f"  {granularity:<8} skipped: backend '{args.costs}' has no per-layer costs")
                continue
            table, note = CostTable.build(SplitLayers(backend), system, models), "  (synthetic split layers)"
        wall, records = bench(table, granularity, duration, repeat)
        verdict = "" if args.smoke else (" - meets target" if wall < target else " - MISSES target")
        print(f"  {granularity:<8} {wall:7.3f} s wall for {records} inferences "
              f"(target < {target:g} s{verdict}){note}")


if __name__ == "__main__":
    main()
