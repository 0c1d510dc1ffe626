"""The table backend: the reference's MAESTRO costs, converted once to seconds and joules."""

from __future__ import annotations

import pytest

from xrsim.cost import CostTable, get_cost_model
from xrsim.hardware import load_hardware
from xrsim.workload import load_model


@pytest.mark.parametrize(
    ("hardware", "model", "latency_ms", "energy_mj"),
    [
        # the reference's own WS schedule CSV (XRBench-MLSys2023 eval data, Single_4K, WS)
        ("xrbench-4k-A", "ES_RITNet", 1.503136, 35.329716),
        ("xrbench-4k-A", "HT_hand_graph_cnn_half", 8.561680, 207.433304),
        # maestro_model_costs.csv: OS, 1024 PEs, NoC 128 (first row of the file)
        ("xrbench-4k-H", "ASR_EM_24L", 150.994944, 527.887912),
    ],
)
def test_reference_costs_in_si_units(hardware: str, model: str, latency_ms: float,
                                     energy_mj: float) -> None:
    system = load_hardware(hardware)
    cost = get_cost_model("table").model_cost(load_model(model), system.sub_accelerators[0], system)
    assert cost.latency_s == pytest.approx(latency_ms * 1e-3, rel=1e-9)
    assert cost.energy_j == pytest.approx(energy_mj * 1e-3, rel=1e-6)  # "mJ" -> J
    assert cost.layers is None  # whole-model costs only


def test_rows_matched_by_dataflow_pes_and_noc() -> None:
    """Design K: WS on 3072 PEs and OS on 1024 PEs, both at NoC 128: different rows."""
    system = load_hardware("xrbench-4k-K")
    table = CostTable.build(get_cost_model("table"), system, [load_model("ES_RITNet")])
    big, little = table.latency_s("ES_RITNet", 0), table.latency_s("ES_RITNet", 1)
    assert big != little
