"""The ``calibrated`` backend: per-layer costs shaped by the analytical model and scaled so
that each model's totals equal a measured table's.

Measured costs (a table) often exist only per model, while layer-granular scheduling needs
per-layer costs. Here the analytical model says how a model's time and energy split over
its layers, and the table says how much there is in all: layer i gets
latency_table x latency_i / sum(latency_analytical), energy likewise. DRAM bytes stay the
analytical model's (the table has none).
"""

from __future__ import annotations

from dataclasses import replace

from xrsim.cost.analytical import AnalyticalCostModel
from xrsim.cost.base import CostModel, ModelCost, register_cost_model
from xrsim.cost.table import TableCostModel
from xrsim.hardware.spec import HardwareSystem, SubAccelerator
from xrsim.workload.model import Model


@register_cost_model("calibrated")
class CalibratedCostModel(CostModel):
    totals_from = TableCostModel.totals_from  # the other fields shape only the split over layers

    def __init__(self, table: CostModel | None = None, shape: CostModel | None = None) -> None:
        self.table = table if table is not None else TableCostModel()
        self.shape = shape if shape is not None else AnalyticalCostModel()

    def model_cost(self, model: Model, sub: SubAccelerator, system: HardwareSystem) -> ModelCost:
        measured = self.table.model_cost(model, sub, system)
        shaped = self.shape.model_cost(model, sub, system)
        layers = shaped.layers
        if layers is None or shaped.latency_s <= 0:  # nothing to shape by: keep the totals
            return measured
        time_scale = measured.latency_s / shaped.latency_s
        energy_scale = measured.energy_j / shaped.energy_j if shaped.energy_j > 0 else 0.0
        scaled = replace(
            layers,
            latency_s=layers.latency_s * time_scale,
            cycles=layers.cycles * time_scale,
            energy_j=layers.energy_j * energy_scale,
            utilisation=layers.utilisation / time_scale,
        )
        return ModelCost(
            model=model.name, sub_accelerator=sub.name, latency_s=measured.latency_s,
            energy_j=measured.energy_j, dram_bytes=shaped.dram_bytes,
            utilisation=None if shaped.utilisation is None else shaped.utilisation / time_scale,
            layers=scaled, dram_energy_j=measured.dram_energy_j,
        )
