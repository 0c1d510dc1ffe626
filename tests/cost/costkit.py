"""Shared builders for the cost-model tests: small models and one-sub-accelerator systems."""

from __future__ import annotations

from typing import Any

from xrsim.cost.analytical import AnalyticalCostModel, AnalyticalLayerCosts
from xrsim.hardware.spec import HardwareSystem
from xrsim.workload.model import Model


def system(*, energy_table: str = "accelergy-65nm", dram_gb_per_s: float = 1e6,
           **sub: Any) -> HardwareSystem:
    fields: dict[str, Any] = {"name": "acc", "dataflow": "WS", "num_pes": 1024,
                              "global_buffer_kib": 192, "noc_words_per_cycle": 1e6}
    fields.update(sub)
    if "array" in sub and "num_pes" not in sub:
        fields["num_pes"] = sub["array"][0] * sub["array"][1]
    return HardwareSystem.model_validate({
        "name": "test", "energy_table": energy_table,
        "dram": {"bandwidth_gb_per_s": dram_gb_per_s}, "sub_accelerators": [fields]})


def model(*layers: dict[str, Any]) -> Model:
    named = [{"name": f"l{i}", **layer} for i, layer in enumerate(layers)]
    return Model.model_validate({"name": "m", "layers": named})


def costs(layers: list[dict[str, Any]], *, compat: bool = False, **hw: Any) -> AnalyticalLayerCosts:
    hw_system = system(**hw)
    result = AnalyticalCostModel(scalesim_compat=compat).model_cost(
        model(*layers), hw_system.sub_accelerators[0], hw_system)
    assert isinstance(result.layers, AnalyticalLayerCosts)
    return result.layers
