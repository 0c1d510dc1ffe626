"""Blocks and preemption, hand-worked on one sub-accelerator (EDF):

    long  10 FPS, released at 0, deadline 100 ms, 4 layers of 5 ms (1 mJ each)
    fast  60 FPS, phase 3 ms, deadline 3 + 1000/60 = 19.667 ms, 1 layer of 2 ms

Without preemption long holds the sub-accelerator until 20 ms and fast, still queued at
its deadline, is dropped at 19.667 ms. With 1-layer blocks and preemption, fast (earlier
deadline) takes over at long's first block boundary (5 ms), runs 5-7 ms, and long
resumes at 7 ms: its blocks run 7-12, 12-17, 17-22 ms."""

from __future__ import annotations

import pytest

from tests.builders import log, long_and_fast, ms, run, scenario, system
from xrsim.cost import CostTable, get_cost_model
from xrsim.errors import SpecError
from xrsim.hardware import load_hardware
from xrsim.sim.block_costs import BlockTable
from xrsim.workload import load_scenario

FAST_DEADLINE_MS = round(3 + 1000 / 60, 6)


def _run(**options: object):
    return long_and_fast(scheduler="edf", **options)


def test_a_60fps_frame_interrupts_a_long_model_at_a_block_boundary() -> None:
    trace = _run(granularity="block:1", preemptive=True, record_blocks=True)
    assert log(trace) == [("fast", 0, "acc0", 5.0, 7.0), ("long", 0, "acc0", 0.0, 22.0)]
    assert [(b.model, b.block, ms(b.start_s), ms(b.end_s)) for b in trace.blocks] == [
        ("long", 0, 0.0, 5.0), ("fast", 0, 5.0, 7.0), ("long", 1, 7.0, 12.0),
        ("long", 2, 12.0, 17.0), ("long", 3, 17.0, 22.0)]
    long = trace.of_model("long")[0]
    assert (long.preemptions, ms(long.suspended_s), ms(long.service_s)) == (1, 2.0, 20.0)
    assert long.energy_j == pytest.approx(4e-3)
    assert [(s.model, ms(s.start_s), ms(s.end_s)) for s in trace.slices] == [
        ("long", 0.0, 5.0), ("fast", 5.0, 7.0), ("long", 7.0, 22.0)]


def test_without_preemption_the_60fps_frame_is_dropped_at_its_deadline() -> None:
    expected = [("fast", 0, None, FAST_DEADLINE_MS, FAST_DEADLINE_MS), ("long", 0, "acc0", 0.0, 20.0)]
    assert log(_run(granularity="block:1")) == expected
    assert log(_run(granularity="model")) == expected


def test_preemption_waits_for_the_next_boundary() -> None:
    # 2-layer blocks: the first boundary is at 10 ms.
    trace = _run(granularity="block:2", preemptive=True)
    assert log(trace) == [("fast", 0, "acc0", 10.0, 12.0), ("long", 0, "acc0", 0.0, 22.0)]


def test_migration_moves_a_preempted_frame_at_a_documented_cost() -> None:
    """Two sub-accelerators; affinity: other -> acc1, fast -> acc0; long goes anywhere.

    other (deadline 50 ms, 6 ms) runs on acc1 0-6 ms; long starts on acc0 at 0; fast
    (3 ms) preempts long at its 5 ms boundary on acc0. At 6 ms acc1 frees: with migration
    long resumes there after the 0.05 ms migration cost: 6.05-11.05, -16.05, -21.05 ms.
    Without migration it waits for acc0 (free at 7 ms) and ends at 22 ms."""
    uses = [{"model": "long", "fps": 10}, {"model": "other", "fps": 10, "deadline_ms": 50},
            {"model": "fast", "fps": 60, "phase_ms": 3}]
    layers = {"long": 4, "other": 1, "fast": 1}
    costs = {"long": [(5, 1, 0)] * 4, "other": [(6, 1, 0)], "fast": [(2, 1, 0)]}
    options = dict(scheduler="edf", granularity="block:1", preemptive=True, placement="affinity",
                   affinity={"other": "acc1", "fast": "acc0"})
    moved = run(scenario(uses, layers), system(2), costs, duration_ms=10, migration=True, **options)
    assert log(moved) == [("other", 0, "acc1", 0.0, 6.0), ("fast", 0, "acc0", 5.0, 7.0),
                          ("long", 0, "acc1", 0.0, 21.05)]
    long = moved.of_model("long")[0]
    assert (long.migrations, long.preemptions, ms(long.suspended_s)) == (1, 1, 1.0)
    assert [(s.sub_index, s.model, ms(s.start_s), ms(s.end_s)) for s in moved.slices
            if s.model == "long"] == [(0, "long", 0.0, 5.0), (1, "long", 6.0, 21.05)]
    stayed = run(scenario(uses, layers), system(2), costs, duration_ms=10, **options)
    assert log(stayed)[-1] == ("long", 0, "acc0", 0.0, 22.0)


def test_blocks_need_per_layer_costs() -> None:
    table = CostTable.build(get_cost_model("table"), load_hardware("xrbench-8k-J"),
                            load_scenario("ar_gaming").models.values())
    with pytest.raises(SpecError) as err:
        BlockTable.build(table, load_scenario("ar_gaming"), 4)
    assert err.value.field == "granularity"
    assert "per-layer costs" in err.value.message


def test_blocks_group_layers_and_keep_the_remainder() -> None:
    trace = run(scenario([{"model": "m", "fps": 10}], {"m": 5}), system(1),
                {"m": [(1, 1, 0), (2, 1, 0), (3, 1, 0), (4, 1, 0), (5, 1, 0)]},
                duration_ms=1, granularity="block:2", record_blocks=True)
    assert [(b.layers, ms(b.start_s), ms(b.end_s)) for b in trace.blocks] == [
        ((0, 2), 0.0, 3.0), ((2, 4), 3.0, 10.0), ((4, 5), 10.0, 15.0)]


@pytest.mark.parametrize("order", [("long", "other"), ("other", "long")])
def test_events_of_one_instant_are_settled_together_whatever_the_file_order(order: tuple) -> None:
    """The reviewer's tie (/tmp/review4/tie.py). Two sub-accelerators, EDF, 1-layer blocks,
    preemptive:

        long   10 FPS, deadline 100 ms, 4 blocks of 5 ms
        other  10 FPS, deadline 100 ms, 1 block of 5 ms
        fast   60 FPS, phase 3 ms, deadline 19.667 ms, 1 block of 2 ms

    At 0 long and other (equal keys but for the release order, i.e. the file order) take
    acc0 and acc1 in file order. fast arrives at 3 ms and waits. At 5 ms long reaches a
    block boundary and other completes: one instant. Settled together, both
    sub-accelerators are free; EDF takes fast first (19.667 < 100 ms), whose latency is
    the same on both, and the tie goes to the one long is not pinned to; long goes on
    where it was. So in both file orders: fast 5-7 ms, long 0-20 ms without preemption.
    (Dispatching at each event instead, the first order preempted long and left the
    other sub-accelerator idle from 5 ms: long ended at 22 ms.)"""
    uses = {"long": {"model": "long", "fps": 10}, "other": {"model": "other", "fps": 10}}
    scn = scenario([uses[m] for m in order] + [{"model": "fast", "fps": 60, "phase_ms": 3}],
                   {"long": 4, "other": 1, "fast": 1})
    costs = {"long": [(5, 1, 0)] * 4, "other": [(5, 1, 0)], "fast": [(2, 1, 0)]}
    trace = run(scn, system(2), costs, duration_ms=10, scheduler="edf", granularity="block:1",
                preemptive=True)
    long_sub, other_sub = ("acc0", "acc1") if order[0] == "long" else ("acc1", "acc0")
    assert log(trace) == [("other", 0, other_sub, 0.0, 5.0), ("fast", 0, other_sub, 5.0, 7.0),
                          ("long", 0, long_sub, 0.0, 20.0)]
    assert trace.of_model("long")[0].preemptions == 0


@pytest.mark.parametrize(("cost_ms", "expected"), [
    # The case above at 6 ms: staying costs 1 ms (acc0 busy until 7) + 15 ms of long's
    # three remaining blocks = 16 ms; moving costs the migration + 15 ms on acc1.
    (0.9, ("long", 0, "acc1", 0.0, 6.0 + 0.9 + 15.0)),  # 15.9 < 16: moves, ends 21.9
    (1.0, ("long", 0, "acc0", 0.0, 22.0)),  # 16 is not < 16: stays
    (1e9, ("long", 0, "acc0", 0.0, 22.0)),  # an absurd cost is never paid
])
def test_migration_only_when_it_pays(cost_ms: float, expected: tuple) -> None:
    uses = [{"model": "long", "fps": 10}, {"model": "other", "fps": 10, "deadline_ms": 50},
            {"model": "fast", "fps": 60, "phase_ms": 3}]
    layers = {"long": 4, "other": 1, "fast": 1}
    costs = {"long": [(5, 1, 0)] * 4, "other": [(6, 1, 0)], "fast": [(2, 1, 0)]}
    trace = run(scenario(uses, layers), system(2), costs, duration_ms=10, scheduler="edf",
                granularity="block:1", preemptive=True, migration=True, migration_cost_ms=cost_ms,
                placement="affinity", affinity={"other": "acc1", "fast": "acc0"})
    long = log(trace)[-1]
    assert long[:4] == expected[:4] and long[4] == pytest.approx(expected[4])
