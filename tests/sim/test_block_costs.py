"""Block costs are the cost table's, grouped: sums per block, suffix sums for predictions."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.builders import HandCosts, scenario, system
from xrsim.cost.base import CostTable
from xrsim.sim.block_costs import BlockTable
from xrsim.sim.job import Job

SCN = scenario([{"model": "m", "fps": 10}], {"m": 3})
COSTS = {"m": [(1, 1, 10), (2, 2, 20), (4, 4, 40)]}


def _table(layers_per_block: int | None, drop_model_dram: bool = False) -> BlockTable:
    table = CostTable.build(HandCosts(COSTS), system(1), SCN.models.values())
    if drop_model_dram:
        table = CostTable(table.system, {k: replace(c, dram_bytes=None) for k, c in table.costs.items()})
    return BlockTable.build(table, SCN, layers_per_block)


def test_blocks_sum_their_layers() -> None:
    costs = _table(2).get("m", 0)
    assert costs.latency_s == pytest.approx((3e-3, 4e-3))
    assert costs.dram_bytes == (30.0, 40.0)
    assert costs.remaining_s == pytest.approx((7e-3, 4e-3, 0.0))
    job = Job(model="m", model_index=0, frame=0, release_s=0.0, deadline_s=0.1, period_s=0.1, seq=0)
    job.next_block = 1
    assert _table(2).remaining_s(job, 0) == pytest.approx(4e-3)


def test_whole_model_takes_dram_traffic_from_its_layers_when_the_total_is_missing() -> None:
    costs = _table(None, drop_model_dram=True).get("m", 0)
    assert (len(costs), costs.dram_bytes, costs.layers) == (1, (70.0,), ((0, 3),))


def test_the_fastest_remaining_latency_is_precomputed_per_block() -> None:
    # Two sub-accelerators: acc0 has layers 1, 2, 4 ms, acc1 4, 2, 1 ms; blocks of 1 layer.
    # Remaining from block b: acc0 7, 6, 4, 0 ms; acc1 7, 3, 1, 0 ms; the fastest is the
    # smaller of the two at each b: 7, 3, 1, 0 ms.
    costs = {("m", "acc0"): [(1, 1, 0), (2, 1, 0), (4, 1, 0)],
             ("m", "acc1"): [(4, 1, 0), (2, 1, 0), (1, 1, 0)]}
    blocks = BlockTable.build(CostTable.build(HandCosts(costs), system(2), SCN.models.values()), SCN, 1)
    assert blocks.fastest_remaining_s["m"] == pytest.approx((7e-3, 3e-3, 1e-3, 0.0))
    job = Job(model="m", model_index=0, frame=0, release_s=0.0, deadline_s=0.1, period_s=0.1, seq=0)
    job.next_block = 1
    assert blocks.predicted_remaining_s(job) == pytest.approx(3e-3)  # not started: the fastest
    job.sub_index = 0
    assert blocks.predicted_remaining_s(job) == pytest.approx(6e-3)  # started: its own
