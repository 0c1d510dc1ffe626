"""The calibrated backend: the table's model totals, split over layers as the analytical
model splits them."""

from __future__ import annotations

import numpy as np
import pytest

from xrsim import simulate
from xrsim.cost import get_cost_model
from xrsim.hardware import load_hardware
from xrsim.workload import load_model


def test_totals_from_table_split_from_analytical() -> None:
    system = load_hardware("xrbench-4k-A")
    sub, model = system.sub_accelerators[0], load_model("ES_RITNet")
    cal = get_cost_model("calibrated").model_cost(model, sub, system)
    ana = get_cost_model("analytical").model_cost(model, sub, system)
    # totals: the reference's 1.503136 ms and 35.329716 "mJ" (its WS schedule CSV)
    assert cal.latency_s == pytest.approx(1.503136e-3, rel=1e-9)
    assert cal.energy_j == pytest.approx(35.329716e-3, rel=1e-6)
    assert cal.layers is not None and ana.layers is not None
    assert cal.layers.latency_s.sum() == pytest.approx(cal.latency_s, rel=1e-9)
    assert cal.layers.energy_j.sum() == pytest.approx(cal.energy_j, rel=1e-9)
    np.testing.assert_allclose(cal.layers.latency_s / cal.latency_s,
                               ana.layers.latency_s / ana.latency_s, rtol=1e-9)
    assert cal.layers.bound == ana.layers.bound and cal.dram_bytes == ana.dram_bytes


def test_blocks_run_at_the_tables_load() -> None:
    """Whole models and 4-layer blocks take the same busy time in all: blocks only split it."""
    runs = [simulate("xrbench-4k-A", "vr_gaming", costs="calibrated", scheduler="fcfs",
                     granularity=g) for g in ("model", "block:4")]
    busy = [sum(r.completion_s - r.dispatch_s for r in run.trace.completed()) for run in runs]
    assert busy[0] == pytest.approx(busy[1], rel=1e-6)
