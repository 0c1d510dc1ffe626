"""Benchmark: cost every built-in model on every distinct sub-accelerator of the 26
Figure 5 designs with the analytical backend, from a cold cache (fresh cost cache, layer
shapes re-parsed), on one core.

As CostTable.build does it, each sub-accelerator's models in one ``model_costs`` call (one
vectorised pass over all their layers); also model by model (``model_cost``), as before
issue 11. Target (issue 11): at least 1,000,000 layer costs per second. The floor, measured
in this process: one numpy call over as many values as there are layer costs.

    python benchmarks/bench_costs.py            # 5 repeats, best and median
    python benchmarks/bench_costs.py --smoke    # one repeat, for CI
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one core, set before numpy loads

import argparse  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

from floor import numpy_call_s  # noqa: E402

from xrsim.cost.analytical import AnalyticalCostModel  # noqa: E402
from xrsim.cost.analytical import model as analytical_model  # noqa: E402
from xrsim.hardware import list_hardware, load_hardware  # noqa: E402
from xrsim.hardware.spec import HardwareSystem, SubAccelerator  # noqa: E402
from xrsim.workload import list_models  # noqa: E402
from xrsim.workload.library import load_model  # noqa: E402
from xrsim.workload.model import Model  # noqa: E402

TARGET_PER_S = 1_000_000


def workload() -> tuple[list[Model], list[tuple[SubAccelerator, HardwareSystem]]]:
    models: dict[str, Model] = {}
    for name in list_models():  # D2go_FastRCNN repeats OD_D2go_FasterRCNN's layers: 11 models
        model = load_model(name)
        models.setdefault(model.content_hash, model)
    subs: dict[str, tuple[SubAccelerator, HardwareSystem]] = {}
    for name in list_hardware():
        if name.startswith("xrbench-"):
            system = load_hardware(name)
            for sub in system.sub_accelerators:
                key = sub.model_dump_json(exclude={"name"}) + system.dram.model_dump_json()
                subs.setdefault(key, (sub, system))
    return list(models.values()), list(subs.values())


def run_once(models: list[Model], subs: list[tuple[SubAccelerator, HardwareSystem]], together: bool) -> float:
    analytical_model._SHAPES.clear()  # cold: layer parsing is part of the measured work,
    analytical_model._DRAM_WORDS.clear()  # and so is every DRAM-traffic term
    backend = AnalyticalCostModel()  # a fresh, memory-only cache
    start = time.process_time()
    for sub, system in subs:
        if together:
            backend.model_costs(models, sub, system)
        else:
            for model in models:
                backend.model_cost(model, sub, system)
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="one repeat (CI)")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    models, subs = workload()
    layers = sum(len(m.layers) for m in models) * len(subs)
    floor = numpy_call_s(layers)
    print(f"{len(models)} models x {len(subs)} distinct sub-accelerators = {layers} layer costs; floor: one "
          f"numpy call over {layers} values, {floor * 1e6:.0f} us; CPU time")
    for together, how in ((True, "a sub-accelerator's models together"), (False, "model by model")):
        times = [run_once(models, subs, together) for _ in range(1 if args.smoke else args.repeats)]
        best = min(times)
        verdict = "" if args.smoke or not together else \
            f" (target >= {TARGET_PER_S:,}/s: {'met' if layers / best >= TARGET_PER_S else 'NOT met'})"
        print(f"  {how}: best {best * 1e3:.1f} ms, median {statistics.median(times) * 1e3:.1f} ms, "
              f"{layers / best:,.0f} layer costs per second, {best / floor:.0f}x the floor{verdict}")


if __name__ == "__main__":
    main()
