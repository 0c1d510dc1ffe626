"""Shared DRAM, hand-worked. Channel: 100 GB/s = 1e11 B/s. A memory-bound layer of 1 ms
moves 1e8 bytes, so alone it demands the whole channel."""

from __future__ import annotations

import pytest

from tests.builders import log, ms, run, scenario, system
from xrsim.cost import CostTable, get_cost_model
from xrsim.errors import SpecError
from xrsim.hardware import load_hardware
from xrsim.sim.config import SimConfig
from xrsim.sim.contention import fair_rates
from xrsim.sim.engine import DefaultEngine
from xrsim.workload import load_scenario

MEMORY_BOUND = [(1, 1, 1e8)]
COMPUTE_BOUND = [(1, 1, 2e7)]  # demands a fifth of the channel


def _two(costs: list, phase_y_ms: float = 0.0, **options: object):
    uses = [{"model": "x", "fps": 10}, {"model": "y", "fps": 10, "phase_ms": phase_y_ms}]
    return run(scenario(uses, {"x": 1, "y": 1}), options.pop("sysm", system(2, shared=True)),
               {"x": costs, "y": costs}, duration_ms=1, **options)


def test_fair_rates() -> None:
    assert fair_rates([1.0, 1.0], 1.0) == [0.5, 0.5]
    assert fair_rates([0.2, 1.0], 1.0) == [1.0, 0.8]  # the modest one keeps its demand
    assert fair_rates([0.5, 0.5, 0.0], 1.0) == [1.0, 1.0, 1.0]


def test_two_identical_memory_bound_layers_at_once_take_twice_as_long_as_one_alone() -> None:
    alone = run(scenario([{"model": "x", "fps": 10}], {"x": 1}), system(2, shared=True),
                {"x": MEMORY_BOUND}, duration_ms=1)
    assert log(alone) == [("x", 0, "acc0", 0.0, 1.0)]
    both = _two(MEMORY_BOUND)
    assert log(both) == [("x", 0, "acc0", 0.0, 2.0), ("y", 0, "acc1", 0.0, 2.0)]
    assert [(ms(r.service_s), ms(r.stall_s)) for r in both] == [(1.0, 1.0), (1.0, 1.0)]


def test_overlap_in_part() -> None:
    # y starts at 0.5 ms: x alone does half its work by then; both at rate 1/2 until x
    # finishes its other half at 1.5 ms; y has done 0.5 ms of work and ends alone at 2.0.
    trace = _two(MEMORY_BOUND, phase_y_ms=0.5)
    assert log(trace) == [("x", 0, "acc0", 0.0, 1.5), ("y", 0, "acc1", 0.5, 2.0)]


def test_compute_bound_layers_do_not_slow_down() -> None:
    assert log(_two(COMPUTE_BOUND)) == [("x", 0, "acc0", 0.0, 1.0), ("y", 0, "acc1", 0.0, 1.0)]


def test_unshared_links_do_not_contend_unless_asked() -> None:
    unshared = system(2, shared=False)
    assert log(_two(MEMORY_BOUND, sysm=unshared))[0] == ("x", 0, "acc0", 0.0, 1.0)
    assert log(_two(MEMORY_BOUND, sysm=unshared, shared_dram=True))[0] == ("x", 0, "acc0", 0.0, 2.0)


def test_shared_dram_needs_dram_traffic() -> None:
    scn = load_scenario("ar_gaming")
    table = CostTable.build(get_cost_model("table"), load_hardware("xrbench-8k-J"), scn.models.values())
    with pytest.raises(SpecError) as err:
        DefaultEngine(scn, table, SimConfig(shared_dram=True), seed=0, duration_s=0.1)
    assert err.value.field == "shared_dram"


def test_blocks_ending_together_under_contention_do_not_crash() -> None:
    # The reviewer's repro (/tmp/review4/repro_crash.py), which raised "Negative delay".
    # x: block 0 = 0.2 ms moving 2e7 B (2e7 / 0.2e-3 = 1e11 B/s: memory-bound), block 1 =
    # 1 ms moving nothing; y: 0.1 ms moving 1e7 B (memory-bound), released at 0.1 ms.
    # x alone 0-0.1 ms does 0.1 ms of its 0.2 ms; from 0.1 ms both run at rate 1/2, so
    # x's last 0.1 ms of work and y's 0.1 ms both take 0.2 ms: both end at 0.3 ms, where
    # the rounding of "work left" used to go negative. x's block 1 then runs alone at
    # full speed, 0.3-1.3 ms. Each lost 0.1 ms to the channel.
    uses = [{"model": "x", "fps": 10}, {"model": "y", "fps": 10, "phase_ms": 0.1}]
    trace = run(scenario(uses, {"x": 2, "y": 1}), system(2, shared=True),
                {"x": [(0.2, 1, 2e7), (1, 1, 0)], "y": [(0.1, 1, 1e7)]},
                duration_ms=1, granularity="block:1", record_blocks=True)
    assert log(trace) == [("y", 0, "acc1", 0.1, 0.3), ("x", 0, "acc0", 0.0, 1.3)]
    assert sorted((b.model, b.block, ms(b.start_s), ms(b.end_s)) for b in trace.blocks) == [
        ("x", 0, 0.0, 0.3), ("x", 1, 0.3, 1.3), ("y", 0, 0.1, 0.3)]
    assert [ms(r.stall_s) for r in trace] == [0.1, 0.1]
