"""Power and energy over the window (xrsim/metrics/power.py, docs/metrics.md "Power"), and
power gating in the default engine: hand-worked two-model scenarios on one sub-accelerator."""

from __future__ import annotations

import dataclasses
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.builders import hand_table, ms, scenario, system
from xrsim.cost.base import CostTable
from xrsim.errors import SpecError
from xrsim.hardware.physical import leakage_w
from xrsim.hardware.spec import HardwareSystem
from xrsim.metrics.power import power_stats
from xrsim.metrics.xrbench_score import xrbench_score
from xrsim.run import simulate
from xrsim.sim.config import SimConfig
from xrsim.sim.engine import run_default
from xrsim.sim.trace import Trace

# A: one 2 ms layer of 1 mJ, of which 0.2 mJ DRAM; B: one 1 ms layer of 0.5 mJ, no DRAM.
# Both at 10 FPS for 200 ms: frames at 0 and 100 ms, EDF runs A first (released first).
COSTS = {"A": [(2, 1, 1000)], "B": [(1, 0.5, 0)]}
DRAM_J = {"A": 0.2e-3, "B": 0.0}


def gated(wake_up_us: float | None) -> HardwareSystem:
    base = system(1)
    if wake_up_us is None:
        return base
    data = base.model_dump()
    data["sub_accelerators"][0]["power_gating"] = {"enabled": True, "wake_up_us": wake_up_us}
    return HardwareSystem.model_validate(data)


def run(sysm: HardwareSystem) -> tuple[Trace, CostTable]:
    scn = scenario([{"model": "A", "fps": 10}, {"model": "B", "fps": 10}])
    table = hand_table(sysm, scn, COSTS)
    table = CostTable(system=sysm, costs={k: dataclasses.replace(c, dram_energy_j=DRAM_J[k[0]])
                                          for k, c in table.costs.items()})
    return run_default(scn, table, SimConfig(), seed=0, duration_s=0.2), table


def events(trace: Trace) -> list[tuple[str, int, str, float, float]]:
    """(model, frame, sub-accelerator, start ms, end ms) of every execution slice."""
    return [(s.model, s.frame, trace.sub_accelerators[s.sub_index], ms(s.start_s), ms(s.end_s))
            for s in trace.slices]


def test_an_idle_sub_accelerator_leaks_over_the_whole_window() -> None:
    sysm = gated(None)
    trace, table = run(sysm)
    assert events(trace) == [("A", 0, "acc0", 0, 2), ("B", 0, "acc0", 2, 3),
                             ("A", 1, "acc0", 100, 102), ("B", 1, "acc0", 102, 103)]
    leak = leakage_w(sysm.sub_accelerators[0], sysm)
    p = power_stats(trace, table)
    # busy 6 ms of 200, but leakage is paid for all 200 ms
    assert p.window_s == pytest.approx(0.2)
    assert p.static_j == pytest.approx(leak * 0.2)
    assert p.dram_j == pytest.approx(2 * 0.2e-3)
    assert p.dynamic_j == pytest.approx(2 * 0.8e-3 + 2 * 0.5e-3)
    assert p.energy_j == pytest.approx(p.dynamic_j + p.dram_j + p.static_j)  # energy adds up
    assert p.energy_j == pytest.approx(3e-3 + 0.2 * leak)
    assert p.power_avg_w == pytest.approx((3e-3 + 0.2 * leak) / 0.2)
    # the peak: leakage + one frame at a time, A 1 mJ / 2 ms = B 0.5 mJ / 1 ms = 0.5 W
    assert p.power_peak_w == pytest.approx(leak + 0.5)
    assert p.energy_per_frame_j == pytest.approx((3e-3 + 0.2 * leak) / 4)
    # each model's share of the static energy follows its busy time: A 4 ms of 6
    a = p.models["A"]
    assert a.static_j == pytest.approx(0.2 * leak * 4 / 6)
    assert a.energy_per_frame_j == pytest.approx((2e-3 + 0.2 * leak * 4 / 6) / 2)
    assert sum(m.energy_j for m in p.models.values()) == pytest.approx(p.energy_j)
    assert p.sub_accelerators["acc0"].powered_s == pytest.approx(0.2)
    assert p.inferences_per_s == pytest.approx(4 / 0.2)
    assert p.inferences_per_s_per_w == pytest.approx(20 / p.power_avg_w)


def test_a_gated_sub_accelerator_pays_its_wake_up_and_leaks_only_while_on() -> None:
    sysm = gated(100.0)  # 0.1 ms to power up
    trace, table = run(sysm)
    # The first job after an idle spell waits 0.1 ms; B follows A at once, with no wake-up.
    assert events(trace) == [("A", 0, "acc0", 0, 2.1), ("B", 0, "acc0", 2.1, 3.1),
                             ("A", 1, "acc0", 100, 102.1), ("B", 1, "acc0", 102.1, 103.1)]
    assert [(r.model, r.frame, r.sub_accelerator, ms(r.dispatch_s), ms(r.completion_s))
            for r in trace.records] == [("A", 0, "acc0", 0, 2.1), ("B", 0, "acc0", 2.1, 3.1),
                                        ("A", 1, "acc0", 100, 102.1), ("B", 1, "acc0", 102.1, 103.1)]
    assert [r.wake_ups for r in trace.records] == [1, 0, 1, 0]
    for r in trace.records:  # the trace's identity, wake-ups included
        assert r.completion_s - r.dispatch_s == pytest.approx(r.service_s + r.wake_ups * 1e-4)
    leak = leakage_w(sysm.sub_accelerators[0], sysm)
    p = power_stats(trace, table)
    assert p.sub_accelerators["acc0"].powered_s == pytest.approx(6.2e-3)
    assert p.static_j == pytest.approx(leak * 6.2e-3)
    assert p.energy_j == pytest.approx(3e-3 + 6.2e-3 * leak)
    assert p.energy_j == pytest.approx(p.dynamic_j + p.dram_j + p.static_j)
    # while on: leakage + A's 1 mJ over its 2.1 ms slice (0.476 W) or B's 0.5 mJ over 1 ms
    # (0.5 W, no wake-up in its slice): the peak is B's
    assert p.power_peak_w == pytest.approx(leak + 0.5)


def test_gating_with_no_wake_up_changes_only_the_leakage() -> None:
    on, table_on = run(gated(0.0))
    off, _ = run(gated(None))
    assert events(on) == events(off)
    leak = leakage_w(table_on.system.sub_accelerators[0], table_on.system)
    assert power_stats(on, table_on).static_j == pytest.approx(leak * 6e-3)


def test_static_energy_counts_in_the_score_only_when_asked() -> None:
    sysm = gated(None)
    trace, table = run(sysm)
    scn = scenario([{"model": "A", "fps": 10}, {"model": "B", "fps": 10}])
    p = power_stats(trace, table)
    dynamic = xrbench_score(trace, scn)
    with_static = xrbench_score(trace, scn, extra_energy_j=p.static_share_j)
    assert dynamic.models["A"].en == pytest.approx((1.5 - 1e-3) / 1.5)
    share = p.static_share_j[("A", 0)]
    assert share == pytest.approx(p.static_j * 2 / 6)
    assert with_static.models["A"].en == pytest.approx((1.5 - 1e-3 - share) / 1.5)


def test_mode_xrbench_refuses_power_gating() -> None:
    data = HardwareSystem.model_validate(
        {"name": "g", "dram": {"bandwidth_gb_per_s": 128}, "sub_accelerators": [
            {"name": "acc0", "dataflow": "WS", "num_pes": 4096, "global_buffer_kib": 4096,
             "noc_words_per_cycle": 256, "power_gating": {"wake_up_us": 1}}]})
    with pytest.raises(SpecError, match="power_gating"):
        simulate(data, "vr_gaming", mode="xrbench", costs="table")


def test_run_json_figures_and_the_score_option() -> None:
    plain = simulate("xrbench-4k-A", "vr_gaming", mode="xrbench", costs="table")
    counted = simulate("xrbench-4k-A", "vr_gaming", mode="xrbench", costs="table", score_static=True)
    out = plain.to_dict()
    for key in ("area_mm2", "power_avg_w", "power_peak_w", "energy_per_frame_j"):
        assert isinstance(out[key], float) and out[key] > 0
    assert out["power"]["dram_j"] == 0.0  # the reference's costs have no DRAM energy
    assert plain.power.static_j > 0
    assert counted.score.en < plain.score.en and counted.score.score < plain.score.score
    assert counted.stats == plain.stats


def test_only_the_first_block_after_an_idle_spell_wakes_the_sub_accelerator() -> None:
    # Two 1 ms layers as two blocks: the second follows the first at once, with no wake-up.
    sysm = gated(250.0)
    scn = scenario([{"model": "A", "fps": 10}], {"A": 2})
    table = hand_table(sysm, scn, {"A": [(1, 1, 0), (1, 1, 0)]})
    trace = run_default(scn, table, SimConfig(granularity="block:1", record_blocks=True), seed=0,
                        duration_s=0.2)
    assert [(b.frame, b.block, ms(b.start_s), ms(b.end_s)) for b in trace.blocks] == [
        (0, 0, 0, 1.25), (0, 1, 1.25, 2.25), (1, 0, 100, 101.25), (1, 1, 101.25, 102.25)]
    assert [r.wake_ups for r in trace.records] == [1, 1]


# -- over random scenarios -------------------------------------------------------------------

@st.composite
def gated_cases(draw: st.DrawFn) -> dict:
    n_subs = draw(st.integers(1, 3))
    names = [f"m{i}" for i in range(draw(st.integers(1, 3)))]
    uses = [{"model": n, "fps": draw(st.sampled_from([30, 60, 90, 240])),
             "phase_ms": draw(st.sampled_from([0.0, 1.5, 7.0]))} for n in names]
    layers = {n: draw(st.integers(1, 3)) for n in names}
    costs = {(n, f"acc{i}"): [(draw(st.sampled_from([0.5, 1.0, 2.9, 8.0])), draw(st.sampled_from([0.1, 1.0])),
                                draw(st.sampled_from([0.0, 5e7])))
                               for _ in range(layers[n])]
             for n in names for i in range(n_subs)}
    granularity = draw(st.sampled_from(["model", "block:1"]))
    preemptive = granularity != "model" and draw(st.booleans())
    options = {"granularity": granularity, "preemptive": preemptive,
               "migration": preemptive and draw(st.booleans()), "shared_dram": draw(st.booleans()),
               "drop_policy": draw(st.sampled_from(["deadline", "never"]))}
    gate = [draw(st.booleans()) for _ in range(n_subs)]
    return {"uses": uses, "layers": layers, "costs": costs, "n_subs": n_subs, "options": options,
            "gate": gate, "wake_up_us": draw(st.sampled_from([0.0, 50.0, 333.0])),
            "seed": draw(st.integers(0, 2**16))}


@settings(max_examples=60, deadline=None)
@given(gated_cases())
def test_gating_and_energy_invariants(case: dict) -> None:
    data = system(case["n_subs"]).model_dump()
    for sub, gate in zip(data["sub_accelerators"], case["gate"], strict=True):
        if gate:
            sub["power_gating"] = {"enabled": True, "wake_up_us": case["wake_up_us"]}
    sysm = HardwareSystem.model_validate(data)
    scn = scenario(case["uses"], case["layers"])
    table = hand_table(sysm, scn, case["costs"])
    config = SimConfig(**case["options"])
    trace = run_default(scn, table, config, seed=case["seed"], duration_s=0.06)
    wake = case["wake_up_us"] * 1e-6
    for r in trace.completed():
        assert r.completion_s - r.dispatch_s == pytest.approx(
            r.service_s + r.stall_s + r.suspended_s + r.migrations * config.migration_cost_s
            + r.wake_ups * wake, abs=1e-9)
        if not any(case["gate"]):
            assert r.wake_ups == 0
    spans = sorted((s.sub_index, s.start_s, s.end_s) for s in trace.slices)
    for (sub_a, _, end_a), (sub_b, start_b, _) in itertools.pairwise(spans):
        assert sub_a != sub_b or end_a <= start_b + 1e-12
    p = power_stats(trace, table)
    assert p.energy_j == pytest.approx(p.dynamic_j + p.dram_j + p.static_j)
    for i, sub in enumerate(sysm.sub_accelerators):
        s = p.sub_accelerators[sub.name]
        assert s.powered_s == pytest.approx(s.busy_s if case["gate"][i] else p.window_s)
        assert s.static_j == pytest.approx(s.leakage_w * s.powered_s)
    assert p.power_avg_w is not None and p.power_peak_w >= p.power_avg_w * (1 - 1e-9)
