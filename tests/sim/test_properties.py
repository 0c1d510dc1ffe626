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

from tests.sim.conftest import HandCosts, run, scenario, system
from xrsim.cost.base import CostTable
from xrsim.sim.config import SimConfig
from xrsim.sim.placement import placement_names
from xrsim.sim.schedulers import scheduler_names
from xrsim.sim.sources import build_sources
from xrsim.sim.trace import Trace

TOL = 1e-9
FPS = [20, 30, 45, 60, 100]


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
                (draw(st.sampled_from([0.5, 1.0, 2.5, 4.0, 8.0])), draw(st.sampled_from([0.1, 1.0, 3.0])),
                 draw(st.sampled_from([0.0, 5e7, 2e8])))
                for _ in range(layers[name])]
    cascades = []
    if n_models > 1 and draw(st.booleans()):
        cascades.append({"from": "m0", "to": "m1", "probability": draw(st.sampled_from([0.4, 1.0]))})
    placement = draw(st.sampled_from(placement_names()))
    affinity = {n: f"acc{draw(st.integers(0, n_subs - 1))}" for n in names if draw(st.booleans())}
    options = dict(
        scheduler=draw(st.sampled_from(scheduler_names())), placement=placement, affinity=affinity,
        granularity=draw(st.sampled_from(["model", "block:1", "block:2"])),
        preemptive=draw(st.booleans()), migration=draw(st.booleans()),
        shared_dram=draw(st.booleans()), drop_policy=draw(st.sampled_from(["deadline", "never",
                                                                           "predicted_miss"])),
        record_blocks=True,
    )
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
