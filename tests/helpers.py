"""Small builders shared by tests: one-layer models, scenarios and systems built in code,
and a cost backend whose latencies and energies are chosen by hand."""

from __future__ import annotations

from xrsim.cost.base import CostModel, CostTable, ModelCost
from xrsim.hardware.spec import DramSpec, HardwareSystem, SubAccelerator
from xrsim.workload.layers import ConvLayer
from xrsim.workload.model import Model
from xrsim.workload.scenario import Cascade, ModelUse, Scenario, ScenarioSpec


def tiny_model(name: str) -> Model:
    return Model(name=name, layers=(ConvLayer(name="c", H=8, W=8, C=4, K=4, R=3, S=3),))


def scenario(uses: list[tuple[str, float]], cascades: list[tuple[str, str, float]] = ()) -> Scenario:
    spec = ScenarioSpec(
        name="hand",
        models=tuple(ModelUse(model=m, fps=fps) for m, fps in uses),
        cascades=tuple(Cascade(upstream=u, downstream=d, probability=p) for u, d, p in cascades),
    )
    return Scenario(spec=spec, models={m: tiny_model(m) for m, _ in uses})


def system(dataflows: list[str]) -> HardwareSystem:
    return HardwareSystem(
        name="hand-hw",
        dram=DramSpec(bandwidth_gb_per_s=128),
        sub_accelerators=tuple(
            SubAccelerator(name=f"acc{i}", dataflow=df, num_pes=256, global_buffer_kib=512,
                           noc_words_per_cycle=64)
            for i, df in enumerate(dataflows)
        ),
    )


class HandCosts(CostModel):
    """Latency (s) and energy (J) per (model, sub-accelerator name), given by the test."""

    name = "hand"

    def __init__(self, costs: dict[tuple[str, str], tuple[float, float]]) -> None:
        self.costs = costs

    def model_cost(self, model: Model, sub: SubAccelerator, system: HardwareSystem) -> ModelCost:
        latency, energy = self.costs[(model.name, sub.name)]
        return ModelCost(model=model.name, sub_accelerator=sub.name, latency_s=latency,
                         energy_j=energy)


def hand_table(hw: HardwareSystem, sc: Scenario,
               costs: dict[tuple[str, str], tuple[float, float]]) -> CostTable:
    return CostTable.build(HandCosts(costs), hw, sc.models.values())
