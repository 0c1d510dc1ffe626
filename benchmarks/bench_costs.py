"""Benchmark: cost every XRBench model on every distinct sub-accelerator of the 26
Figure 5 designs with the analytical backend, from a cold cache, on one core.

Target (issue 3): under 0.5 s for the whole set. Prints layers costed per second.

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

from xrsim.cost.analytical import AnalyticalCostModel  # noqa: E402
from xrsim.cost.analytical import model as analytical_model  # noqa: E402
from xrsim.hardware import list_hardware, load_hardware  # noqa: E402
from xrsim.hardware.spec import HardwareSystem, SubAccelerator  # noqa: E402
from xrsim.workload import list_models  # noqa: E402
from xrsim.workload.library import load_model  # noqa: E402
from xrsim.workload.model import Model  # noqa: E402

TARGET_S = 0.5


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


def run_once(models: list[Model], subs: list[tuple[SubAccelerator, HardwareSystem]]) -> float:
    analytical_model._SHAPES.clear()  # cold: layer parsing is part of the measured work
    backend = AnalyticalCostModel()  # a fresh, memory-only cache
    start = time.perf_counter()
    for sub, system in subs:
        for model in models:
            backend.model_cost(model, sub, system)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="one repeat (CI)")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    models, subs = workload()
    layers = sum(len(m.layers) for m in models) * len(subs)
    times = [run_once(models, subs) for _ in range(1 if args.smoke else args.repeats)]
    best = min(times)
    print(f"{len(models)} models x {len(subs)} distinct sub-accelerators = {layers} layer costs")
    print(f"best {best:.3f} s, median {statistics.median(times):.3f} s over {len(times)} run(s)")
    print(f"{layers / best:,.0f} layers costed per second")
    print(f"target {TARGET_S} s: {best / TARGET_S:.2f} x the target "
          f"({'met' if best <= TARGET_S else 'NOT met'})")


if __name__ == "__main__":
    main()
