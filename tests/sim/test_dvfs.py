"""DVFS: operating points in the spec, their costs, the governors and the trace and power
figures that come out (docs/engine.md, "DVFS"; docs/hardware_spec.md; docs/metrics.md).

Costs come from ``ClockCosts``: a layer takes its cycles at the sub-accelerator's clock
and charges the energy the test gives at the nominal point, so every time and joule
below is worked out by hand."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.builders import analytical_costs, ms, scenario
from xrsim.cost.base import CostMemo, CostModel, CostTable, LayerCosts, ModelCost
from xrsim.cost.dvfs import with_points
from xrsim.errors import SpecError
from xrsim.hardware import load_hardware
from xrsim.hardware.physical import leakage_w
from xrsim.hardware.spec import HardwareSystem, SubAccelerator
from xrsim.metrics.power import power_stats
from xrsim.run import simulate
from xrsim.sim.config import SimConfig
from xrsim.sim.engine import run_default
from xrsim.sim.governors import governor_names
from xrsim.sim.trace import Trace
from xrsim.sim.trace_writers import chrome_trace
from xrsim.workload.scenario import Scenario

POINTS = [{"clock_ghz": 0.25, "voltage_v": 0.5}, {"clock_ghz": 0.5, "voltage_v": 0.6},
          {"clock_ghz": 1.0, "voltage_v": 0.8}]
"""Nominal 1 GHz at 0.8 V; half the clock at 0.6 V; a quarter at 0.5 V."""


class ClockCosts(CostModel):
    """Per model, its layers as (cycles, on-chip energy in mJ at the nominal point, DRAM
    energy in mJ): a layer takes cycles / clock, whatever the clock (compute-bound)."""

    name = "clock"

    def __init__(self, table: dict[str, list[tuple[float, float, float]]]) -> None:
        self.table = table
        self.calls = 0  # models costed

    def model_cost(self, model: Any, sub: SubAccelerator, system: HardwareSystem) -> ModelCost:
        self.calls += 1
        layers = self.table[model.name]
        n = len(layers)
        lat = np.array([c[0] / sub.clock_hz for c in layers])
        dram_j = np.array([c[2] * 1e-3 for c in layers])
        energy = np.array([c[1] * 1e-3 for c in layers]) + dram_j
        dram_bytes = dram_j * 1e12  # 1 pJ a byte: bytes in proportion to DRAM energy
        costs = LayerCosts(names=tuple(f"l{i}" for i in range(n)), macs=np.zeros(n), cycles=np.zeros(n),
                           latency_s=lat, energy_j=energy, dram_bytes=dram_bytes, utilisation=np.ones(n),
                           bound=("compute",) * n)
        return ModelCost(model=model.name, sub_accelerator=sub.name, latency_s=float(lat.sum()),
                         energy_j=float(energy.sum()), dram_bytes=float(dram_bytes.sum()), layers=costs,
                         dram_energy_j=float(dram_j.sum()))


def dvfs_system(points: list[dict] | None = POINTS, **sub: Any) -> HardwareSystem:
    fields: dict[str, Any] = {"name": "acc0", "dataflow": "WS", "num_pes": 16, "global_buffer_kib": 64,
                              "noc_words_per_cycle": 16, "clock_ghz": 1.0, "operating_points": points}
    fields.update(sub)
    return HardwareSystem.model_validate({"name": "dvfs", "technology_nm": 28,
                                          "dram": {"bandwidth_gb_per_s": 100}, "sub_accelerators": [fields]})


def run(scn: Scenario, sysm: HardwareSystem, table: dict, *, duration_ms: float, **options: Any) -> Trace:
    backend = ClockCosts(table)
    costs = with_points(backend, CostTable.build(backend, sysm, scn.models.values()), scn.models.values())
    return run_default(scn, costs, SimConfig(**options), seed=0, duration_s=duration_ms * 1e-3)


def event_log(trace: Trace) -> list[tuple]:
    """(model, frame, sub-accelerator, start ms, end ms, clock GHz, voltage V) in log order."""
    return [(r.model, r.frame, r.sub_accelerator, ms(r.dispatch_s), ms(r.completion_s), r.clock_ghz,
             r.voltage_v) for r in trace]


# -- the spec --------------------------------------------------------------------------


def test_points_are_sorted_by_clock_and_index_from_the_lowest() -> None:
    sub = dvfs_system(list(reversed(POINTS))).sub_accelerators[0]
    assert [p.clock_ghz for p in sub.points] == [0.25, 0.5, 1.0]
    assert (sub.nominal_point, sub.selected_point, sub.nominal_voltage_v) == (2, 2, 0.8)
    assert dvfs_system(operating_point=0).sub_accelerators[0].selected_point == 0


@pytest.mark.parametrize(("points", "extra", "field", "words"), [
    ([{"clock_ghz": 1.0, "voltage_v": 0.8}, {"clock_ghz": 1.0, "voltage_v": 0.7}], {},
     "operating_points", "clocks must be unique; repeated: 1 GHz"),
    ([{"clock_ghz": 0.5, "voltage_v": 0.6}], {}, "operating_points", "nominal clock_ghz 1"),
    ([{"clock_ghz": 1.0, "voltage_v": 0.8}, {"clock_ghz": 0.5, "voltage_v": 0.9}], {}, "operating_points",
     "a faster clock never needs a lower voltage: 1 GHz at 0.8 V, 0.5 GHz at 0.9 V"),
    ([{"clock_ghz": 1.0, "voltage_v": -0.8}], {}, "voltage_v", "greater than 0"),
    ([{"clock_ghz": 0.0, "voltage_v": 0.8}], {}, "clock_ghz", "greater than 0"),
    ([], {}, "operating_points", "lists no point"),
    (POINTS, {"operating_point": 3}, "operating_point", "must be 0 to 2"),
    (None, {"operating_point": 0}, "operating_point", "lists no operating_points"),
])
def test_bad_points_are_refused_naming_the_file_and_field(tmp_path: Path, points: Any, extra: dict,
                                                          field: str, words: str) -> None:
    import yaml
    sub = {"name": "acc0", "dataflow": "WS", "num_pes": 16, "global_buffer_kib": 64,
           "noc_words_per_cycle": 16, "clock_ghz": 1.0, **extra}
    if points is not None:
        sub["operating_points"] = points
    path = tmp_path / "hw.yaml"
    path.write_text(yaml.safe_dump({"name": "bad", "dram": {"bandwidth_gb_per_s": 10},
                                    "sub_accelerators": [sub]}))
    with pytest.raises(SpecError) as info:
        load_hardware(path)
    text = str(info.value)
    assert "hw.yaml" in text and field in text and words in text, text


# -- costs at each point ------------------------------------------------------------------


def test_half_the_clock_doubles_a_compute_bound_layer_in_the_analytical_model() -> None:
    """A 64x64x64 matrix product on 1,024 PEs, NoC and DRAM never binding: compute-bound,
    so its cycles stay and their length doubles at 0.5 GHz (to 3 ps of 632 ns); a DRAM-bound one (1 GB/s)
    keeps its latency, DRAM time being seconds, not cycles."""
    layer = {"type": "gemm", "M": 64, "N": 64, "K": 64}
    fast = analytical_costs([layer], clock_ghz=1.0)
    slow = analytical_costs([layer], clock_ghz=0.5)
    assert fast.bound == ("compute",)
    assert slow.latency_s[0] == pytest.approx(2 * fast.latency_s[0], rel=1e-5)  # 3 ps are not cycles
    dram_fast = analytical_costs([layer], clock_ghz=1.0, dram_gb_per_s=0.001)
    dram_slow = analytical_costs([layer], clock_ghz=0.5, dram_gb_per_s=0.001)
    assert dram_fast.bound == ("dram",)
    assert dram_slow.latency_s[0] == pytest.approx(dram_fast.latency_s[0], rel=1e-3)


def test_point_costs_scale_latency_by_clock_and_dynamic_energy_by_v_squared() -> None:
    """'m': 2e6 cycles, 1 mJ on chip + 0.5 mJ of DRAM at 1 GHz, 0.8 V. At 0.5 GHz, 0.6 V:
    4 ms, and 1 x (0.6 / 0.8)^2 = 0.5625 mJ on chip + the same 0.5 mJ of DRAM."""
    sysm = dvfs_system()
    scn = scenario([{"model": "m", "fps": 10}])
    backend = ClockCosts({"m": [(2e6, 1.0, 0.5)]})
    table = with_points(backend, CostTable.build(backend, sysm, scn.models.values()), scn.models.values())
    low, half, nominal = table.at_points[("m", 0)]
    assert nominal is table.get("m", 0)
    assert (nominal.latency_s, half.latency_s, low.latency_s) == (2e-3, 4e-3, 8e-3)
    assert half.energy_j == pytest.approx(0.5625e-3 + 0.5e-3, rel=1e-12)
    assert half.dram_energy_j == 0.5e-3
    assert low.energy_j == pytest.approx(1e-3 * (0.5 / 0.8) ** 2 + 0.5e-3, rel=1e-12)
    assert half.layers is not None and half.layers.energy_j[0] == pytest.approx(1.0625e-3, rel=1e-12)


def test_a_memo_keeps_point_costs_for_the_next_run() -> None:
    """A sweep's worker passes a CostMemo: the points' costs are the same through it, and a
    second table of the same design costs nothing new."""
    sysm = dvfs_system()
    scn = scenario([{"model": "m", "fps": 10}])
    backend = ClockCosts({"m": [(2e6, 1.0, 0.5)]})
    memo = CostMemo()
    plain = with_points(backend, CostTable.build(backend, sysm, scn.models.values()), scn.models.values())
    memoised = with_points(backend, CostTable.build(backend, sysm, scn.models.values(), memo=memo),
                           scn.models.values(), memo)
    assert len(memo) == 3  # the nominal point and the two others
    assert [(c.latency_s, c.energy_j) for c in memoised.at_points[("m", 0)]] == \
        [(c.latency_s, c.energy_j) for c in plain.at_points[("m", 0)]]
    calls = backend.calls
    again = CostTable.build(backend, sysm, scn.models.values(), memo=memo)
    with_points(backend, again, scn.models.values(), memo)
    assert backend.calls == calls and len(memo) == 3


def test_a_fixed_half_clock_doubles_a_compute_bound_job_and_cuts_its_dynamic_energy_by_v_squared() -> None:
    """One 2 ms, 1 mJ frame (no DRAM) at 10 FPS. Fixed at point 1 (0.5 GHz, 0.6 V): it
    runs 0-4 ms and charges (0.6 / 0.8)^2 = 0.5625 mJ."""
    scn = scenario([{"model": "m", "fps": 10}])
    table = {"m": [(2e6, 1.0, 0.0)]}
    nominal = run(scn, dvfs_system(), table, duration_ms=100)
    half = run(scn, dvfs_system(operating_point=1), table, duration_ms=100)
    assert event_log(nominal) == [("m", 0, "acc0", 0.0, 2.0, 1.0, 0.8)]
    assert event_log(half) == [("m", 0, "acc0", 0.0, 4.0, 0.5, 0.6)]
    (a,), (b,) = nominal.records, half.records
    assert b.latency_s == 2 * a.latency_s
    assert b.energy_j == pytest.approx(a.energy_j * 0.5625, rel=1e-12)
    assert a.energy_j == 1e-3


def test_without_points_the_trace_carries_no_point() -> None:
    scn = scenario([{"model": "m", "fps": 10}])
    trace = run(scn, dvfs_system(None), {"m": [(2e6, 1.0, 0.0)]}, duration_ms=100, dvfs_governor="slack")
    assert event_log(trace) == [("m", 0, "acc0", 0.0, 2.0, None, None)]
    assert trace.slices[0].clock_ghz is None


# -- governors --------------------------------------------------------------------------

SLACK_USES = [{"model": "a", "fps": 100}, {"model": "b", "fps": 100}]
SLACK_COSTS = {"a": [(2e6, 1.0, 0.0)], "b": [(0.9e6, 0.5, 0.0)]}
"""a: 2 ms at 1 GHz (4 at 0.5, 8 at 0.25); b: 0.9 ms (1.8, 3.6); both every 10 ms, with
deadlines at the next release."""


def test_slack_picks_the_lowest_point_that_meets_each_deadline() -> None:
    """Hand-worked: at 0 ms both are released; EDF ties go by release order, so a starts
    and has 10 ms: 8 ms at 0.25 GHz fits. At 8 ms b has 2 ms left: 3.6 ms at 0.25 GHz
    would end at 11.6 (late), 1.8 ms at 0.5 GHz ends at 9.8 (in time). Frame 1 repeats it
    10 ms later. Fixed at the top point runs a 0-2 and b 2-2.9; both meet everything."""
    scn = scenario(SLACK_USES)
    slack = run(scn, dvfs_system(), SLACK_COSTS, duration_ms=20, dvfs_governor="slack")
    assert event_log(slack) == [
        ("a", 0, "acc0", 0.0, 8.0, 0.25, 0.5), ("b", 0, "acc0", 8.0, 9.8, 0.5, 0.6),
        ("a", 1, "acc0", 10.0, 18.0, 0.25, 0.5), ("b", 1, "acc0", 18.0, 19.8, 0.5, 0.6)]
    top = run(scn, dvfs_system(operating_point=2), SLACK_COSTS, duration_ms=20, dvfs_governor="fixed")
    assert event_log(top) == [
        ("a", 0, "acc0", 0.0, 2.0, 1.0, 0.8), ("b", 0, "acc0", 2.0, 2.9, 1.0, 0.8),
        ("a", 1, "acc0", 10.0, 12.0, 1.0, 0.8), ("b", 1, "acc0", 12.0, 12.9, 1.0, 0.8)]
    for trace in (slack, top):
        assert all(r.completion_s <= r.deadline_s for r in trace)
    # Energy: a at 0.5 V: 1 mJ x (0.5 / 0.8)^2 = 0.390625 mJ; b at 0.6 V: 0.5 x 0.5625 = 0.28125 mJ.
    energies = [r.energy_j * 1e3 for r in slack]
    assert energies == pytest.approx([0.390625, 0.28125, 0.390625, 0.28125], rel=1e-12)


def test_slack_with_blocks_decides_each_block_from_what_is_left() -> None:
    """'a' as two 1e6-cycle blocks, 12 ms of slack budget (deadline_ms 12): at 0 ms the
    whole 2e6 cycles take 8 ms at 0.25 GHz (fits); at 4 ms the second block's 4 ms still
    fits. With deadline_ms 5: at 0 ms 8 ms is late, 4 ms at 0.5 GHz fits (ends at 4)."""
    table = {"a": [(1e6, 0.5, 0.0), (1e6, 0.5, 0.0)]}
    for deadline, clock, end in ((12, 0.25, 8.0), (5, 0.5, 4.0)):
        scn = scenario([{"model": "a", "fps": 10, "deadline_ms": deadline}], {"a": 2})
        trace = run(scn, dvfs_system(), table, duration_ms=100, dvfs_governor="slack",
                    granularity="block:1", record_blocks=True)
        assert event_log(trace) == [("a", 0, "acc0", 0.0, end, clock, POINTS[[0.25, 0.5].index(clock)]
                                     ["voltage_v"])]
        assert [(b.block, b.clock_ghz) for b in trace.blocks] == [(0, clock), (1, clock)]


def test_slack_falls_back_to_the_top_point_when_no_point_meets_the_deadline() -> None:
    scn = scenario([{"model": "a", "fps": 100, "deadline_ms": 1}])
    trace = run(scn, dvfs_system(), {"a": [(2e6, 1.0, 0.0)]}, duration_ms=10, dvfs_governor="slack",
                drop_policy="never")
    assert event_log(trace) == [("a", 0, "acc0", 0.0, 2.0, 1.0, 0.8)]


def test_race_to_idle_runs_at_the_top_point_then_gates() -> None:
    """Resting at the lowest point (operating_point 0), race_to_idle still runs at 1 GHz.
    With gating (0.1 ms wake-up) a wakes at 0 and runs 0.1-2.1 (its span 0-2.1), b 2.1-3.0,
    then the sub-accelerator is off until 10 ms: it leaks only while powered, 2 x 3.0 ms,
    at the nominal voltage."""
    scn = scenario(SLACK_USES)
    sysm = dvfs_system(operating_point=0, power_gating={"enabled": True, "wake_up_us": 100.0})
    trace = run(scn, sysm, SLACK_COSTS, duration_ms=20, dvfs_governor="race_to_idle")
    assert event_log(trace) == [
        ("a", 0, "acc0", 0.0, 2.1, 1.0, 0.8), ("b", 0, "acc0", 2.1, 3.0, 1.0, 0.8),
        ("a", 1, "acc0", 10.0, 12.1, 1.0, 0.8), ("b", 1, "acc0", 12.1, 13.0, 1.0, 0.8)]
    assert [r.wake_ups for r in trace] == [1, 0, 1, 0]
    backend = ClockCosts(SLACK_COSTS)
    stats = power_stats(trace, CostTable.build(backend, sysm, scn.models.values()))
    sub = stats.sub_accelerators["acc0"]
    assert sub.powered_s == pytest.approx(6e-3, rel=1e-12)
    nominal_leak = leakage_w(sysm.sub_accelerators[0], sysm)
    assert sub.static_j == pytest.approx(nominal_leak * 6e-3, rel=1e-12)


def test_idle_time_leaks_at_the_resting_point_and_busy_time_at_the_running_one() -> None:
    """Not gated, resting at 0.25 GHz / 0.5 V, slack runs a at 0.5 V for 8 ms and b at
    0.6 V for 1.8 ms per 10 ms frame: leakage scales with V / 0.8 V."""
    scn = scenario(SLACK_USES)
    sysm = dvfs_system(operating_point=0)
    trace = run(scn, sysm, SLACK_COSTS, duration_ms=20, dvfs_governor="slack")
    stats = power_stats(trace, CostTable.build(ClockCosts(SLACK_COSTS), sysm, scn.models.values()))
    leak = leakage_w(sysm.sub_accelerators[0], sysm)
    want = leak * (2 * 8e-3 * 0.5 / 0.8 + 2 * 1.8e-3 * 0.6 / 0.8 + 2 * 0.2e-3 * 0.5 / 0.8)
    assert stats.static_j == pytest.approx(want, rel=1e-9)
    assert stats.sub_accelerators["acc0"].leakage_w == pytest.approx(leak * 0.5 / 0.8, rel=1e-12)
    assert stats.energy_j == pytest.approx(stats.dynamic_j + stats.dram_j + stats.static_j, rel=1e-12)


def test_the_chrome_trace_shows_each_slice_s_point() -> None:
    trace = run(scenario(SLACK_USES), dvfs_system(), SLACK_COSTS, duration_ms=20, dvfs_governor="slack")
    slices = [e for e in chrome_trace(trace)["traceEvents"] if e["ph"] == "X"]
    assert [(e["name"], e["args"]["clock_ghz"], e["args"]["voltage_v"]) for e in slices] == [
        ("a#0", 0.25, 0.5), ("b#0", 0.5, 0.6), ("a#1", 0.25, 0.5), ("b#1", 0.5, 0.6)]


# -- runs ---------------------------------------------------------------------------------


def _with_points(name: str = "xrbench-4k-A", **extra: Any) -> HardwareSystem:
    from xrsim.hardware.overrides import apply_overrides
    pts = [{"clock_ghz": 1.0, "voltage_v": 0.8}, {"clock_ghz": 0.5, "voltage_v": 0.6}]
    return apply_overrides(load_hardware(name), {"sub_accelerators.*.operating_points": pts, **extra})


def test_run_json_reports_the_points_used() -> None:
    r = simulate(_with_points(), "vr_gaming", dvfs_governor="slack", duration_s=0.1)
    dvfs = r.to_dict()["dvfs"]
    assert dvfs["governor"] == "slack"
    used = dvfs["sub_accelerators"]["acc0"]
    assert sum(p["inferences"] for p in used) == len(r.trace.measured().completed())
    assert {p["clock_ghz"] for p in used} <= {0.5, 1.0}
    assert "dvfs" not in simulate("xrbench-4k-A", "vr_gaming", duration_s=0.1).to_dict()


def test_a_sweep_row_carries_the_clock_run_at_and_the_points_used() -> None:
    from xrsim.sweep.worker import metrics

    slow = metrics(simulate(_with_points(**{"sub_accelerators.*.operating_point": 0}), "vr_gaming",
                            duration_s=0.2))  # fixed at the lowest point, 0.5 GHz, on both
    assert slow["busy_clock_mean_ghz"] == pytest.approx(0.5, rel=1e-12)
    assert {p["clock_ghz"] for used in slow["dvfs"].values() for p in used} == {0.5}
    plain = metrics(simulate("xrbench-4k-A", "vr_gaming", duration_s=0.2))
    assert plain["busy_clock_mean_ghz"] == pytest.approx(1.0, rel=1e-12) and "dvfs" not in plain


def test_mode_xrbench_refuses_a_point_other_than_nominal() -> None:
    simulate(_with_points(), "vr_gaming", mode="xrbench")  # nominal: the reference's clock
    with pytest.raises(SpecError, match=r"operating_point.*nominal clock"):
        simulate(_with_points(**{"sub_accelerators.*.operating_point": 0}), "vr_gaming", mode="xrbench")
    with pytest.raises(SpecError, match="dvfs_governor"):
        simulate("xrbench-4k-A", "vr_gaming", mode="xrbench", dvfs_governor="slack")


def test_a_measured_cost_table_cannot_cost_a_point() -> None:
    with pytest.raises(SpecError, match="ignores clock_ghz"):
        simulate(_with_points(), "vr_gaming", costs="table")
    # a design the table has no row for learns of the real obstacle first, not of the row
    with pytest.raises(SpecError, match="ignores clock_ghz"):
        simulate(_with_points(**{"sub_accelerators.*.num_pes": 1000}), "vr_gaming", costs="table")


def test_the_governors_are_registered() -> None:
    assert governor_names() == ["fixed", "race_to_idle", "slack"]
    with pytest.raises(SpecError, match="unknown DVFS governor 'turbo'"):
        simulate("xrbench-4k-A", "vr_gaming", dvfs_governor="turbo")


# -- a property over random scenarios, governors and points -----------------------------


@st.composite
def dvfs_cases(draw: st.DrawFn) -> dict:
    n_models = draw(st.integers(1, 3))
    uses = [{"model": f"m{i}", "fps": draw(st.sampled_from([30, 60, 90, 120])),
             "phase_ms": draw(st.sampled_from([0.0, 1.5, 4.0]))} for i in range(n_models)]
    layers = {f"m{i}": draw(st.integers(1, 3)) for i in range(n_models)}
    table = {m: [(draw(st.floats(1e5, 6e6)), draw(st.floats(0.0, 2.0)), draw(st.floats(0.0, 1.0)))
                 for _ in range(n)] for m, n in layers.items()}
    n_subs = draw(st.integers(1, 2))
    subs = []
    for i in range(n_subs):
        listed = draw(st.booleans())
        sub: dict[str, Any] = {"name": f"acc{i}", "dataflow": "WS", "num_pes": 16, "global_buffer_kib": 64,
                               "noc_words_per_cycle": 16, "clock_ghz": 1.0}
        if listed:
            sub["operating_points"] = draw(st.permutations(POINTS))
            sub["operating_point"] = draw(st.sampled_from([None, 0, 1, 2]))
        if draw(st.booleans()):
            sub["power_gating"] = {"wake_up_us": draw(st.sampled_from([0.0, 50.0]))}
        subs.append(sub)
    blocks = draw(st.sampled_from(["model", "block:1"]))
    options = {"dvfs_governor": draw(st.sampled_from(governor_names())), "granularity": blocks,
               "record_blocks": True, "drop_policy": draw(st.sampled_from(["deadline", "never"]))}
    if blocks != "model" and draw(st.booleans()):
        options["preemptive"] = True
    return {"uses": uses, "layers": layers, "table": table, "subs": subs, "options": options}


@settings(max_examples=60, deadline=None)
@given(dvfs_cases())
def test_energy_adds_up_and_nothing_overlaps_with_any_governor(case: dict) -> None:
    sysm = HardwareSystem.model_validate({"name": "p", "dram": {"bandwidth_gb_per_s": 100},
                                          "sub_accelerators": case["subs"]})
    scn = scenario(case["uses"], case["layers"])
    trace = run(scn, sysm, case["table"], duration_ms=60, **case["options"])
    # Nothing overlaps on a sub-accelerator, and each slice runs at one of its points.
    for i, sub in enumerate(sysm.sub_accelerators):
        mine = sorted((s for s in trace.slices if s.sub_index == i), key=lambda s: s.start_s)
        for a, b in itertools.pairwise(mine):
            assert a.end_s <= b.start_s + 1e-15
        points = {(p.clock_ghz, p.voltage_v) for p in sub.points} or {(None, None)}
        assert all((s.clock_ghz, s.voltage_v) in points for s in mine)
    # A frame's energy is its blocks', each at its block's own point.
    backend = ClockCosts(case["table"])
    costs = with_points(backend, CostTable.build(backend, sysm, scn.models.values()), scn.models.values())
    for r in trace.completed():
        mine = [b for b in trace.blocks if (b.model, b.frame) == (r.model, r.frame)]
        assert r.energy_j == pytest.approx(sum(b.energy_j for b in mine), rel=1e-12)
        for b in mine:
            sub = sysm.sub_accelerators[b.sub_index]
            k = [p.clock_ghz for p in sub.points].index(b.clock_ghz) if sub.points else None
            per_point = costs.at_points[(b.model, b.sub_index)][k] if k is not None else \
                costs.get(b.model, b.sub_index)
            assert per_point.layers is not None
            want = float(per_point.layers.energy_j[b.layers[0]:b.layers[1]].sum())
            assert b.energy_j == pytest.approx(want, rel=1e-12)
    stats = power_stats(trace, costs)
    assert stats.energy_j == pytest.approx(stats.dynamic_j + stats.dram_j + stats.static_j, rel=1e-12)
    assert stats.static_j == pytest.approx(sum(s.static_j for s in stats.sub_accelerators.values()),
                                           rel=1e-12)
    assert stats.power_peak_w >= (stats.power_avg_w or 0.0) * (1 - 1e-9)


def test_a_sweep_takes_fixed_points_and_governors_as_axes(tmp_path: Path) -> None:
    """Through set: an operating point per run, and dvfs_governor as a run option."""
    from xrsim.sweep import run_sweep

    design = tmp_path / "hw.yaml"
    design.write_text(Path("hardware_specs/xrbench-4k-A.yaml").read_text().replace(
        "    ws_variant: nvdla", "    ws_variant: nvdla\n    operating_points: "
        "[{clock_ghz: 1.0, voltage_v: 0.8}, {clock_ghz: 0.5, voltage_v: 0.6}]"))
    spec = tmp_path / "s.yaml"
    spec.write_text(f"name: dvfs\ndesigns: [{design}]\nscenarios: [vr_gaming]\nduration_s: 0.1\n"
                    "dvfs_governor: [fixed, slack]\nset:\n  sub_accelerators.*.operating_point: [0, 1]\n")
    rows = run_sweep(spec, out=tmp_path / "out")
    assert len(rows) == 4
    by = {(r["dvfs_governor"], r["set.sub_accelerators.*.operating_point"]): r for r in rows}
    # fixed at the half clock (0) spends less dynamic energy per frame than at nominal (1)
    assert by[("fixed", 0)]["dynamic_energy_per_frame_j"] < by[("fixed", 1)]["dynamic_energy_per_frame_j"]


@st.composite
def lone_model_cases(draw: st.DrawFn) -> dict:
    layers = draw(st.integers(1, 4))
    return {"fps": draw(st.sampled_from([30, 60, 120, 240])),
            "layers": [(draw(st.floats(1e5, 8e6)), 1.0, 0.0) for _ in range(layers)],
            "granularity": draw(st.sampled_from(["model", "block:1", "block:2"])),
            "wake_up_us": draw(st.sampled_from([None, 0.0, 300.0])),
            "points": draw(st.permutations(POINTS))}


@settings(max_examples=80, deadline=None)
@given(lone_model_cases())
def test_slack_never_misses_a_deadline_that_the_top_point_meets(case: dict) -> None:
    """One model alone on one sub-accelerator, deadline = period: a frame that slack runs
    slower still ends by the next release, so it never delays the next frame; slack's
    choice at each block keeps what is left feasible, so whatever the top point meets,
    slack meets too (and uses no more dynamic energy)."""
    extra = {} if case["wake_up_us"] is None else {"power_gating": {"wake_up_us": case["wake_up_us"]}}
    sysm = dvfs_system(case["points"], **extra)
    top = dvfs_system(case["points"], operating_point=2, **extra)
    n = len(case["layers"])
    scn = scenario([{"model": "m", "fps": case["fps"]}], {"m": n})
    options = {"granularity": case["granularity"], "drop_policy": "never"}
    slack = run(scn, sysm, {"m": case["layers"]}, duration_ms=100, dvfs_governor="slack", **options)
    fixed = run(scn, top, {"m": case["layers"]}, duration_ms=100, dvfs_governor="fixed", **options)
    assert [r.frame for r in slack] == [r.frame for r in fixed]
    for s, f in zip(slack, fixed, strict=True):
        if f.completion_s <= f.deadline_s:
            assert s.completion_s <= s.deadline_s, (s, f)
            assert s.energy_j <= f.energy_j * (1 + 1e-12)


def test_trace_files_carry_the_point_only_when_there_is_one(tmp_path: Path) -> None:
    import csv
    import json

    from xrsim.sim.trace_writers import RECORD_COLUMNS, write_blocks_csv, write_jsonl, write_records_csv

    scn = scenario(SLACK_USES)
    for points, extra in ((POINTS, ["clock_ghz", "voltage_v"]), (None, [])):
        trace = run(scn, dvfs_system(points), SLACK_COSTS, duration_ms=20, dvfs_governor="slack",
                    record_blocks=True)
        write_records_csv(trace, tmp_path / "r.csv")
        write_blocks_csv(trace, tmp_path / "b.csv")
        write_jsonl(trace, tmp_path / "t.jsonl")
        records = list(csv.reader((tmp_path / "r.csv").read_text().splitlines()))
        blocks = list(csv.reader((tmp_path / "b.csv").read_text().splitlines()))
        lines = [json.loads(x) for x in (tmp_path / "t.jsonl").read_text().splitlines()]
        assert records[0] == [*RECORD_COLUMNS, *extra]
        assert blocks[0][-2:] == (extra or blocks[0][-2:])
        assert ("clock_ghz" in lines[1]) == bool(points) and ("clock_ghz" in lines[-1]) == bool(points)
        if points:
            assert records[1][-2:] == ["0.25", "0.5"] and blocks[1][-2:] == ["0.25", "0.5"]


@settings(max_examples=60, deadline=None)
@given(dvfs_cases(), st.booleans())
def test_the_dvfs_engine_at_the_nominal_point_is_the_default_engine(case: dict, shared: bool) -> None:
    """DvfsEngine adds to the rows the default engine logs and changes nothing else: with
    each sub-accelerator listing its nominal point alone, its trace is the default
    engine's (on the same system without points), field for field, bit for bit."""
    plain = [{k: v for k, v in sub.items() if k not in ("operating_points", "operating_point")}
             for sub in case["subs"]]
    nominal = [{**sub, "operating_points": [{"clock_ghz": 1.0, "voltage_v": 0.8}]} for sub in plain]
    scn = scenario(case["uses"], case["layers"])
    traces = []
    for subs in (plain, nominal):
        dram = {"bandwidth_gb_per_s": 0.5, "shared": shared}
        sysm = HardwareSystem.model_validate({"name": "p", "dram": dram, "sub_accelerators": subs})
        traces.append(run(scn, sysm, case["table"], duration_ms=60, **case["options"]))
    a, b = traces
    cut = {"records": 16, "slices": 5, "blocks": 8}
    for part, n in cut.items():
        rows_a = [tuple(getattr(x, f) for f in x.__slots__[:n]) for x in getattr(a, part)]
        rows_b = [tuple(getattr(x, f) for f in x.__slots__[:n]) for x in getattr(b, part)]
        assert rows_a == rows_b, part
    assert all(r.clock_ghz == 1.0 for r in b.completed())


def test_the_cli_shows_the_points_used_and_refuses_what_it_cannot_run(tmp_path: Path) -> None:
    import subprocess
    import sys

    design = tmp_path / "hw.yaml"
    design.write_text(Path("hardware_specs/xrbench-4k-A.yaml").read_text().replace(
        "    ws_variant: nvdla", "    ws_variant: nvdla\n    operating_points: "
        "[{clock_ghz: 1.0, voltage_v: 0.8}, {clock_ghz: 0.5, voltage_v: 0.6}]"))

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "xrsim", "run", "--hardware", str(design),
                               "--scenario", "vr_gaming", "--duration-s", "0.1", *args],
                              capture_output=True, text=True, timeout=120)

    done = cli("--dvfs-governor", "race_to_idle")
    assert done.returncode == 0, done.stderr
    assert "DVFS governor race_to_idle: acc0 1 GHz / 0.8 V x" in done.stdout
    refused = cli("--mode", "xrbench", "--set", "sub_accelerators.*.operating_point=0")
    assert refused.returncode == 2
    assert "sub_accelerators.acc0.operating_point: mode 'xrbench'" in refused.stderr
    table = cli("--costs", "table")
    assert table.returncode == 2 and "operating_points listed on acc0" in table.stderr


def test_a_governor_on_a_design_without_points_is_named_as_doing_nothing() -> None:
    from xrsim import simulate

    quiet = simulate("xrbench-4k-A", "vr_gaming", duration_s=0.1)
    told = simulate("xrbench-4k-A", "vr_gaming", duration_s=0.1, dvfs_governor="slack")
    assert told.trace.records == quiet.trace.records
    assert told.warnings == (*quiet.warnings, "dvfs_governor slack has no effect: no sub-accelerator of "
                                              "xrbench-4k-A lists operating_points")
