"""A test-only cost backend with hand-chosen per-layer costs, and builders of tiny
scenarios and systems, so that every expected event log can be worked out by hand."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from xrsim import units
from xrsim.cost.base import CostModel, CostTable, LayerCosts, ModelCost
from xrsim.hardware.spec import DramSpec, HardwareSystem, SubAccelerator
from xrsim.sim.config import SimConfig
from xrsim.sim.engine import run_default
from xrsim.sim.trace import Trace
from xrsim.workload.layers import ElementwiseLayer
from xrsim.workload.model import Model
from xrsim.workload.scenario import Scenario, ScenarioSpec

# A layer's cost: (latency in ms, energy in mJ, DRAM bytes).
Layer = tuple[float, float, float]
# Costs by model name (same on every sub-accelerator) or by (model, sub-accelerator name).
HandTable = Mapping[str | tuple[str, str], Sequence[Layer]]


class HandCosts(CostModel):
    """Returns exactly the per-layer costs it is given; whole-model cost = the sums."""

    name = "hand"

    def __init__(self, table: HandTable) -> None:
        self.table = table

    def model_cost(self, model: Model, sub: SubAccelerator, system: HardwareSystem) -> ModelCost:
        layers = self.table.get((model.name, sub.name), self.table.get(model.name))
        assert layers is not None, (model.name, sub.name)
        lat = np.array([units.ms_to_s(c[0]) for c in layers])
        energy = np.array([c[1] * 1e-3 for c in layers])
        dram = np.array([float(c[2]) for c in layers])
        n = len(layers)
        costs = LayerCosts(names=tuple(f"l{i}" for i in range(n)), macs=np.zeros(n), cycles=np.zeros(n),
                           latency_s=lat, energy_j=energy, dram_bytes=dram, utilisation=np.ones(n),
                           bound=("compute",) * n)
        return ModelCost(model=model.name, sub_accelerator=sub.name, latency_s=float(lat.sum()),
                         energy_j=float(energy.sum()), dram_bytes=float(dram.sum()), layers=costs)


def system(n_subs: int = 1, *, bandwidth_gb_per_s: float = 100.0, shared: bool = False) -> HardwareSystem:
    subs = [SubAccelerator(name=f"acc{i}", dataflow="WS", num_pes=16, global_buffer_kib=64,
                           noc_words_per_cycle=16) for i in range(n_subs)]
    return HardwareSystem(name=f"test-{n_subs}", dram=DramSpec(bandwidth_gb_per_s=bandwidth_gb_per_s,
                                                                shared=shared),
                          sub_accelerators=tuple(subs))


def scenario(uses: Sequence[dict], layers: Mapping[str, int], cascades: Sequence[dict] = ()) -> Scenario:
    spec = ScenarioSpec(name="hand", models=tuple(uses), cascades=tuple(cascades))
    models = {name: Model(name=name, layers=tuple(ElementwiseLayer(name=f"l{i}", elements=1)
                                                  for i in range(n)))
              for name, n in layers.items()}
    return Scenario(spec=spec, models=models)


def run(scn: Scenario, sysm: HardwareSystem, table: HandTable, *, duration_ms: float,
        seed: int = 0, **options: object) -> Trace:
    costs = CostTable.build(HandCosts(table), sysm, scn.models.values())
    return run_default(scn, costs, SimConfig(**options), seed=seed, duration_s=units.ms_to_s(duration_ms))


def ms(value_s: float) -> float:
    """Seconds to ms, rounded so that float noise does not hide a hand-worked time."""
    return round(units.s_to_ms(value_s), 6)


def log(trace: Trace) -> list[tuple[str, int, str | None, float, float]]:
    """(model, frame, sub-accelerator, dispatch ms, completion ms) in log order."""
    return [(r.model, r.frame, r.sub_accelerator, ms(r.dispatch_s), ms(r.completion_s)) for r in trace]
