"""Golden traces of the default engine: a few hundred generated scenarios and options,
each stored with the trace the engine gave for it, so that a change to the engine's
inner workings can be shown to reproduce every record, slice and block bit for bit.

The cases are drawn from a fixed seed: hand-costed scenarios of 1-4 models on 1-4
sub-accelerators (jitter, phases, cascades, every scheduler, placement, granularity,
drop policy, preemption, migration, shared DRAM with non-round bandwidths), built-in
scenarios on XRBench designs with the analytical costs, and hand-costed scenarios on
sub-accelerators some of which are power-gated (a wake-up before a job on an idle one).
Each case and its trace is one JSON line (floats round-trip exactly) of
``tests/data/engine_golden.jsonl.gz``. The first 300 cases were recorded with the engine
before issue 11's optimisation, the gated ones with main's engine when power gating came
(before the merge with the optimised one).

    python -m tests.engine_golden        # re-record with the current engine (only when
                                         # the engine's results are meant to change)
"""

from __future__ import annotations

import gzip
import json
import random
from functools import cache
from pathlib import Path
from typing import Any

from tests.builders import hand_table, scenario, system
from xrsim.cost import CostTable, get_cost_model
from xrsim.hardware import HardwareSystem, load_hardware
from xrsim.hardware.spec import PowerGating, SubAccelerator
from xrsim.sim.config import SimConfig
from xrsim.sim.engine import run_default
from xrsim.sim.placement import placement_names
from xrsim.sim.schedulers import scheduler_names
from xrsim.sim.trace import Trace
from xrsim.workload import Scenario, load_scenario

PATH = Path(__file__).resolve().parent / "data" / "engine_golden.jsonl.gz"
SEED = 11
HAND_CASES = 260
BUILTIN_CASES = 40
GATED_CASES = 60
DESIGNS = ("xrbench-8k-M", "xrbench-4k-A", "xrbench-8k-J")
SCENARIOS = ("ar_assistant", "ar_gaming", "outdoor_activity_a", "outdoor_activity_b", "social_interaction_a",
             "social_interaction_b", "vr_gaming", "vr_gaming_100p", "vr_gaming_25p", "vr_gaming_50p",
             "vr_gaming_75p")
"""The built-in scenarios when the cases were first drawn (a fixed list: a new built-in must
not change which cases the seed draws)."""


def _options(rng: random.Random, names: list[str], subs: list[str]) -> dict[str, Any]:
    """A valid combination: preemption needs blocks, migration needs preemption."""
    granularity = rng.choice(["model", "block:1", "block:2", "block:3"])
    preemptive = granularity != "model" and rng.random() < 0.6
    placement = rng.choice(placement_names())
    affinity: dict[str, str] = {}
    if placement == "affinity":
        affinity = {n: rng.choice(subs) for n in names if rng.random() < 0.5}
        affinity = affinity or {names[0]: subs[0]}
    return {
        "scheduler": rng.choice(scheduler_names()), "placement": placement, "affinity": affinity,
        "granularity": granularity, "preemptive": preemptive,
        "migration": preemptive and rng.random() < 0.4,
        "drop_policy": rng.choice(["deadline", "deadline", "never", "predicted_miss"]),
        "record_blocks": rng.random() < 0.7, "shared_dram": rng.random() < 0.4,
        "warmup_s": rng.choice([0.0, 0.0, 0.01]),
    }


def _hand_case(rng: random.Random, *, gated: bool = False) -> dict[str, Any]:
    n_subs = rng.randint(1, 4)
    names = [f"m{i}" for i in range(rng.randint(1, 4))]
    bandwidth = rng.choice([10.0, 100.0, 1000 / 3])
    uses, layers, costs = [], {}, []
    for name in names:
        use: dict[str, Any] = {"model": name, "fps": rng.choice([20, 30, 45, 60, 90, 100, 240]),
                               "phase_ms": rng.choice([0.0, 0.1, 1.5, 1 / 3, 7.0])}
        if rng.random() < 0.3:
            use["deadline_ms"] = rng.choice([4.0, 12.5, 40.0])
        bound = rng.choice([0.0, 0.0, 2.0, 5.0])
        if bound:
            use["jitter"] = {"distribution": rng.choice(["uniform", "normal", "exponential"]),
                             "bound_ms": bound}
        uses.append(use)
        layers[name] = rng.randint(1, 5)
        for i in range(n_subs):
            per_layer = []
            for _ in range(layers[name]):
                latency_ms = rng.choice([0.5, 1.0, 1 / 3, 2.9, 8.0, rng.uniform(0.05, 3.0)])
                fill = rng.choice([0.0, 0.3, 1.0, 3.0, 1 / 3])  # of what the channel moves meanwhile
                per_layer.append([latency_ms, rng.choice([0.1, 1.0, 3.0]),
                                  fill * bandwidth * 1e9 * latency_ms * 1e-3])
            costs.append([name, f"acc{i}", per_layer])
    cascades = []
    if len(names) > 1 and rng.random() < 0.4:
        cascades.append({"from": "m0", "to": "m1", "probability": rng.choice([0.4, 1.0])})
        if len(names) > 2 and rng.random() < 0.5:
            cascades.append({"from": "m1", "to": "m2", "probability": rng.choice([0.7, 1.0])})
    case = {"kind": "hand", "uses": uses, "layers": layers, "costs": costs, "cascades": cascades,
            "n_subs": n_subs, "bandwidth_gb_per_s": bandwidth,
            "options": _options(rng, names, [f"acc{i}" for i in range(n_subs)]), "seed": rng.randrange(2**16),
            "duration_ms": rng.choice([60.0, 100.0, 150.0])}
    if gated:  # each sub-accelerator's wake-up in us, None when it is not gated; one at least is
        wake_ups = [rng.choice([None, 0.0, 5.0, 50.0, 500.0, 2000.0]) for _ in range(n_subs)]
        if all(w is None for w in wake_ups):
            wake_ups[rng.randrange(n_subs)] = 50.0
        case["gating"] = wake_ups
    return case


def _builtin_case(rng: random.Random) -> dict[str, Any]:
    name = rng.choice(SCENARIOS)
    design = rng.choice(DESIGNS)
    models = [u.model for u in load_scenario(name).uses]
    options = _options(rng, models, [s.name for s in load_hardware(design).sub_accelerators])
    return {"kind": "builtin", "scenario": name, "hardware": design, "options": options,
            "seed": rng.randrange(2**16), "duration_ms": rng.choice([200.0, 300.0])}


def cases() -> list[dict[str, Any]]:
    rng = random.Random(SEED)
    return ([_hand_case(rng) for _ in range(HAND_CASES)] + [_builtin_case(rng) for _ in range(BUILTIN_CASES)]
            + [_hand_case(rng, gated=True) for _ in range(GATED_CASES)])


@cache
def _analytical(design: str, name: str) -> tuple[HardwareSystem, Scenario, CostTable]:
    sysm, scn = load_hardware(design), load_scenario(name)
    return sysm, scn, CostTable.build(get_cost_model("analytical"), sysm, scn.models.values())


def run_case(case: dict[str, Any]) -> Trace:
    """The default engine's trace of one stored case."""
    if case["kind"] == "hand":
        scn = scenario(case["uses"], case["layers"], case["cascades"])
        sysm = system(case["n_subs"], bandwidth_gb_per_s=case["bandwidth_gb_per_s"])
        if case.get("gating"):
            subs = [sub if w is None else SubAccelerator(**{**sub.model_dump(), "power_gating":
                                                             PowerGating(wake_up_us=w)})
                    for sub, w in zip(sysm.sub_accelerators, case["gating"], strict=True)]
            sysm = HardwareSystem(name=sysm.name, dram=sysm.dram, sub_accelerators=tuple(subs))
        table = hand_table(sysm, scn, {(m, s): [tuple(c) for c in layers] for m, s, layers in case["costs"]})
    else:
        sysm, scn, table = _analytical(case["hardware"], case["scenario"])
    return run_default(scn, table, SimConfig(**case["options"]), seed=case["seed"],
                       duration_s=case["duration_ms"] / 1000)


def trace_rows(trace: Trace) -> dict[str, Any]:
    """Everything the trace holds, as JSON-ready lists (field order of each record)."""
    return {
        "records": [[r.model, r.frame, r.sub_accelerator, r.sub_index, r.release_s, r.dispatch_s,
                     r.deadline_s, r.completion_s, r.energy_j, r.dropped, r.preemptions, r.service_s,
                     r.stall_s, r.suspended_s, r.migrations, r.wake_ups] for r in trace.records],
        "slices": [[s.sub_index, s.model, s.frame, s.start_s, s.end_s] for s in trace.slices],
        "blocks": [[b.model, b.frame, b.block, list(b.layers), b.sub_index, b.start_s, b.end_s, b.energy_j]
                   for b in trace.blocks],
        "end_s": trace.end_s, "warmup_s": trace.warmup_s,
    }


def load() -> list[dict[str, Any]]:
    with gzip.open(PATH, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def record() -> None:
    lines = []
    for case in cases():
        lines.append(json.dumps({"case": case, "trace": trace_rows(run_case(case))}, separators=(",", ":")))
    with gzip.GzipFile(PATH, "wb", mtime=0) as handle:
        handle.write(("\n".join(lines) + "\n").encode())


if __name__ == "__main__":
    record()
