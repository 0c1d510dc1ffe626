"""Properties of the default engine over random small scenarios, designs and options.

What holds for every completed inference (times in s, up to float rounding):

    completion - dispatch = service_s + stall_s + suspended_s + migrations * migration cost

where service_s is the sum of the costed latencies of the blocks it ran (equal to the cost
table's latency of its model on its sub-accelerator when it did not migrate), stall_s is
0 unless DRAM is shared, and suspended_s and preemptions are 0 unless preemption is on.
"""

from __future__ import annotations

import itertools
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.builders import HandCosts, run, scenario, system
from xrsim.cost.base import CostTable
from xrsim.sim.config import SimConfig
from xrsim.sim.placement import placement_names
from xrsim.sim.schedulers import scheduler_names
from xrsim.sim.sources import build_sources
from xrsim.sim.trace import Trace

TOL = 1e-9
FPS = [20, 30, 45, 60, 100]


@st.composite
def engine_options(draw: st.DrawFn, names: list[str], n_subs: int) -> dict:
    """Any valid combination: preemption needs blocks, migration needs preemption."""
    granularity = draw(st.sampled_from(["model", "block:1", "block:2"]))
    preemptive = granularity != "model" and draw(st.booleans())
    placement = draw(st.sampled_from(placement_names()))
    affinity = {}
    if placement == "affinity":  # a non-empty map, which only this placement takes
        affinity = {n: f"acc{draw(st.integers(0, n_subs - 1))}" for n in names if draw(st.booleans())}
        affinity = affinity or {names[0]: "acc0"}
    return dict(
        scheduler=draw(st.sampled_from(scheduler_names())),
        placement=placement,
        affinity=affinity,
        granularity=granularity, preemptive=preemptive, migration=preemptive and draw(st.booleans()),
        drop_policy=draw(st.sampled_from(["deadline", "never", "predicted_miss"])), record_blocks=True,
    )


@st.composite
def cases(draw: st.DrawFn) -> dict:
    n_subs = draw(st.integers(1, 3))
    n_models = draw(st.integers(1, 3))
    names = [f"m{i}" for i in range(n_models)]
    uses, layers, costs = [], {}, {}
    for name in names:
        use: dict = {"model": name, "fps": draw(st.sampled_from(FPS)),
                     "phase_ms": draw(st.sampled_from([0.0, 1.5, 7.0]))}
        bound = draw(st.sampled_from([0.0, 2.0, 5.0]))
        if bound:
            use["jitter"] = {"distribution": draw(st.sampled_from(["uniform", "normal", "exponential"])),
                             "bound_ms": bound}
        uses.append(use)
        layers[name] = draw(st.integers(1, 4))
        for i in range(n_subs):
            costs[(name, f"acc{i}")] = [
                (draw(st.sampled_from([0.5, 1.0, 1 / 3, 2.9, 8.0])), draw(st.sampled_from([0.1, 1.0, 3.0])),
                 draw(st.sampled_from([0.0, 5e7, 1e8 / 3, 2e8])))
                for _ in range(layers[name])]
    cascades = []
    if n_models > 1 and draw(st.booleans()):
        cascades.append({"from": "m0", "to": "m1", "probability": draw(st.sampled_from([0.4, 1.0]))})
    options = draw(engine_options(names, n_subs))
    options["shared_dram"] = draw(st.booleans())
    return {"uses": uses, "layers": layers, "costs": costs, "cascades": cascades, "n_subs": n_subs,
            "options": options, "seed": draw(st.integers(0, 2**16))}


def _run(case: dict, seed: int | None = None) -> Trace:
    scn = scenario(case["uses"], case["layers"], case["cascades"])
    return run(scn, system(case["n_subs"]), case["costs"], duration_ms=60,
               seed=case["seed"] if seed is None else seed, **case["options"])


def _costed_latency(case: dict, model: str, sub: int) -> float:
    scn = scenario(case["uses"], case["layers"], case["cascades"])
    table = CostTable.build(HandCosts(case["costs"]), system(case["n_subs"]), scn.models.values())
    return table.latency_s(model, sub)


@settings(max_examples=80, deadline=None)
@given(cases())
def test_engine_invariants(case: dict) -> None:
    trace = _run(case)
    opts = case["options"]
    cost = SimConfig(**opts).migration_cost_s

    # Nothing overlaps on a sub-accelerator, neither inferences' slices nor blocks.
    for spans in ([(s.sub_index, s.start_s, s.end_s) for s in trace.slices],
                  [(b.sub_index, b.start_s, b.end_s) for b in trace.blocks]):
        spans.sort()
        for (sub_a, _, end_a), (sub_b, start_b, _) in itertools.pairwise(spans):
            assert sub_a != sub_b or end_a <= start_b + TOL

    # Each frame is logged once; dropped frames never ran and used no energy.
    assert max(Counter((r.model, r.frame) for r in trace).values(), default=1) == 1
    ran = {(b.model, b.frame) for b in trace.blocks}
    for r in trace:
        if r.dropped:
            assert (r.model, r.frame) not in ran
            assert r.sub_index is None and r.energy_j == 0.0
            continue
        assert r.dispatch_s >= r.release_s  # no frame starts before its release
        span = r.completion_s - r.dispatch_s
        assert span == pytest.approx(r.service_s + r.stall_s + r.suspended_s + r.migrations * cost,
                                     abs=TOL)
        if not opts["shared_dram"]:
            assert r.stall_s == 0.0
        if not opts["preemptive"]:
            assert r.preemptions == 0 and r.suspended_s == 0.0 and r.migrations == 0
        if r.migrations == 0:
            assert r.service_s == pytest.approx(_costed_latency(case, r.model, r.sub_index), abs=TOL)
        if not (opts["shared_dram"] or opts["preemptive"]):
            assert span == pytest.approx(_costed_latency(case, r.model, r.sub_index), abs=TOL)
        blocks = [b for b in trace.blocks if (b.model, b.frame) == (r.model, r.frame)]
        assert [b.block for b in blocks] == list(range(len(blocks)))  # blocks stay in order
        assert r.energy_j == pytest.approx(sum(b.energy_j for b in blocks))
        if not opts["migration"]:
            assert {b.sub_index for b in blocks} == {r.sub_index}


@settings(max_examples=25, deadline=None)
@given(cases())
def test_the_same_seed_gives_the_same_trace(case: dict) -> None:
    a, b = _run(case), _run(case)
    assert (a.records, a.slices, a.blocks, a.end_s) == (b.records, b.slices, b.blocks, b.end_s)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 2**32 - 1), st.sampled_from([0.2, 0.5, 0.8]))
def test_a_different_seed_changes_cascades(seed: int, step: int, p: float) -> None:
    # 100 frames of a cascade with trigger probability p and ample capacity: the logged
    # frames of the dependant are its triggered ones, and two seeds agree on every frame
    # with probability (p^2 + (1 - p)^2)^100 < 1e-16.
    scn = scenario([{"model": "u", "fps": 100}, {"model": "d", "fps": 100}], {"u": 1, "d": 1},
                   [{"from": "u", "to": "d", "probability": p}])
    costs = {"u": [(1, 1, 0)], "d": [(1, 1, 0)]}

    def dependant_frames(s: int) -> list[int]:
        trace = run(scn, system(1), costs, duration_ms=1000, seed=s)
        assert not any(r.dropped for r in trace)
        assert sorted(r.frame for r in trace.of_model("d")) == \
            np.flatnonzero(build_sources(scn, 1.0, s)[1].triggered).tolist()
        return sorted(r.frame for r in trace.of_model("d"))

    first = dependant_frames(seed)
    assert first == dependant_frames(seed)
    assert first != dependant_frames((seed + step) % 2**32)


# -- shared DRAM with non-round costs and bandwidths ---------------------------------------

@st.composite
def dram_cases(draw: st.DrawFn) -> dict:
    """Shared DRAM on 2-4 sub-accelerators with latencies, phases and channel bandwidths
    that are not round numbers, and layers from compute-bound (no traffic) to memory-bound
    (traffic up to 3x what the channel moves in the layer's time)."""
    n_subs = draw(st.integers(2, 4))
    names = [f"m{i}" for i in range(draw(st.integers(2, 4)))]
    bandwidth_gb_per_s = draw(st.sampled_from([10.0, 100.0, 1000 / 3]))
    uses, layers, costs = [], {}, {}
    for name in names:
        uses.append({"model": name, "fps": draw(st.sampled_from([30, 60, 90, 120, 240])),
                     "phase_ms": draw(st.sampled_from([0.0, 0.1, 1 / 3, 0.7]))})
        layers[name] = draw(st.integers(1, 4))
        for i in range(n_subs):
            costs[(name, f"acc{i}")] = []
            for _ in range(layers[name]):
                latency_ms = draw(st.floats(0.05, 3.0))
                fill = draw(st.sampled_from([0.0, 0.3, 1.0, 3.0, 1 / 3]))  # of the channel's bytes
                costs[(name, f"acc{i}")].append(
                    (latency_ms, 1.0, fill * bandwidth_gb_per_s * 1e9 * latency_ms * 1e-3))
    options = draw(engine_options(names, n_subs))
    return {"uses": uses, "layers": layers, "costs": costs, "n_subs": n_subs, "options": options,
            "bandwidth_gb_per_s": bandwidth_gb_per_s, "seed": draw(st.integers(0, 2**16))}


def _block_bytes(case: dict, model: str, sub: int, layers: tuple[int, int]) -> float:
    return sum(c[2] for c in case["costs"][(model, f"acc{sub}")][layers[0]:layers[1]])


@settings(max_examples=80, deadline=None)
@given(dram_cases())
def test_shared_dram_invariants(case: dict) -> None:
    trace = run(scenario(case["uses"], case["layers"]),
                system(case["n_subs"], bandwidth_gb_per_s=case["bandwidth_gb_per_s"], shared=True),
                case["costs"], duration_ms=100, seed=case["seed"], shared_dram=True, **case["options"])
    cost = SimConfig(**case["options"]).migration_cost_s
    # Blocks that use the channel, as (frame, start, end), from the hand costs - not from
    # the engine's own demand figures.
    memory = [((b.model, b.frame), b.start_s, b.end_s) for b in trace.blocks
              if _block_bytes(case, b.model, b.sub_index, b.layers) > 0.0]
    for r in trace.completed():
        assert r.completion_s - r.dispatch_s == pytest.approx(
            r.service_s + r.stall_s + r.suspended_s + r.migrations * cost, abs=TOL)
        assert r.stall_s >= 0.0
        own = [(b.start_s, b.end_s) for b in trace.blocks if (b.model, b.frame) == (r.model, r.frame)]
        alone = not any(frame != (r.model, r.frame) and start < e - TOL and s < end - TOL
                        for frame, start, end in memory for s, e in own)
        if alone:  # never shared the channel with another frame's traffic: no stall
            assert r.stall_s == pytest.approx(0.0, abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(st.floats(0.01, 10.0), st.floats(1.0, 4.0), st.floats(0.0, 5.0),
       st.sampled_from([10.0, 100.0, 1000 / 3]))
def test_two_identical_memory_bound_blocks_started_together_each_take_twice_as_long(
        latency_ms: float, fill: float, phase_ms: float, bandwidth_gb_per_s: float) -> None:
    # Each layer moves at least what the channel carries in its stand-alone time, so each
    # demands the whole channel (demand is capped at the bandwidth); started together they
    # get half each: rate 1/2, twice the time, half of it stall.
    layer = (latency_ms, 1.0, fill * bandwidth_gb_per_s * 1e9 * latency_ms * 1e-3)
    uses = [{"model": "x", "fps": 10, "phase_ms": phase_ms}, {"model": "y", "fps": 10, "phase_ms": phase_ms}]
    trace = run(scenario(uses, {"x": 1, "y": 1}),
                system(2, bandwidth_gb_per_s=bandwidth_gb_per_s, shared=True),
                {"x": [layer], "y": [layer]}, duration_ms=10)
    latency_s, phase_s = latency_ms * 1e-3, phase_ms * 1e-3
    assert len(trace.completed()) == 2
    for r in trace:
        assert r.dispatch_s == phase_s
        assert r.completion_s == pytest.approx(phase_s + 2 * latency_s, rel=1e-12, abs=1e-15)
        assert r.stall_s == pytest.approx(latency_s, rel=1e-9)
