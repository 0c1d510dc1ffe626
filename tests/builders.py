"""Builders shared by the tests: hand-made models, scenarios and systems, a cost backend
whose costs the test chooses, and one-sub-accelerator systems for the analytical model -
so that every expected number can be worked out by hand.

conftest.py files hold fixtures and settings only; tests import builders from here and
never from one another.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from xrsim import units
from xrsim.cost.analytical import AnalyticalCostModel, AnalyticalLayerCosts
from xrsim.cost.base import CostModel, CostTable, LayerCosts, ModelCost
from xrsim.hardware.spec import DramSpec, HardwareSystem, SubAccelerator
from xrsim.sim.config import SimConfig
from xrsim.sim.engine import run_default
from xrsim.sim.trace import Trace
from xrsim.workload.layers import ElementwiseLayer
from xrsim.workload.model import Model
from xrsim.workload.scenario import Scenario, ScenarioSpec

# -- hand-chosen costs ------------------------------------------------------------------

Layer = tuple[float, float, float]
"""A layer's cost: (latency in ms, energy in mJ, DRAM bytes)."""
HandTable = Mapping[str | tuple[str, str], Sequence[Layer]]
"""Per-layer costs by model name (the same on every sub-accelerator) or by
(model, sub-accelerator name)."""


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


def hand_table(sysm: HardwareSystem, scn: Scenario, table: HandTable) -> CostTable:
    return CostTable.build(HandCosts(table), sysm, scn.models.values())


def system(n_subs: int = 1, *, dataflows: Sequence[str] = (), bandwidth_gb_per_s: float = 100.0,
           shared: bool = False) -> HardwareSystem:
    """``n_subs`` WS sub-accelerators acc0, acc1, ... (or one per entry of ``dataflows``);
    their sizes matter only to the analytical backend, never to hand costs."""
    flows = list(dataflows) or ["WS"] * n_subs
    subs = [SubAccelerator(name=f"acc{i}", dataflow=df, num_pes=16, global_buffer_kib=64,
                           noc_words_per_cycle=16) for i, df in enumerate(flows)]
    return HardwareSystem(name=f"test-{len(subs)}",
                          dram=DramSpec(bandwidth_gb_per_s=bandwidth_gb_per_s, shared=shared),
                          sub_accelerators=tuple(subs))


def scenario(uses: Sequence[Mapping[str, Any]], layers: Mapping[str, int] | None = None,
             cascades: Sequence[Mapping[str, Any]] = ()) -> Scenario:
    """A scenario of the given model uses (``{"model": .., "fps": ..}`` and any other
    ModelUse key); each model has ``layers[name]`` elementwise layers, one by default."""
    spec = ScenarioSpec(name="hand", models=tuple(uses), cascades=tuple(cascades))
    counts = layers or {}
    models = {u.model: Model(name=u.model, layers=tuple(ElementwiseLayer(name=f"l{i}", elements=1)
                                                        for i in range(counts.get(u.model, 1))))
              for u in spec.models}
    return Scenario(spec=spec, models=models)


def run(scn: Scenario, sysm: HardwareSystem, table: HandTable, *, duration_ms: float,
        seed: int = 0, **options: object) -> Trace:
    """The default engine on hand costs, configured by SimConfig keywords."""
    costs = hand_table(sysm, scn, table)
    return run_default(scn, costs, SimConfig(**options), seed=seed, duration_s=units.ms_to_s(duration_ms))


def ms(value_s: float) -> float:
    """Seconds to ms, rounded so that float noise does not hide a hand-worked time."""
    return round(units.s_to_ms(value_s), 6)


def log(trace: Trace) -> list[tuple[str, int, str | None, float, float]]:
    """(model, frame, sub-accelerator, dispatch ms, completion ms) in log order."""
    return [(r.model, r.frame, r.sub_accelerator, ms(r.dispatch_s), ms(r.completion_s)) for r in trace]


def long_and_fast(**options: object) -> Trace:
    """10 ms of a long model (four 5 ms, 1 mJ layers, 10 FPS) and a fast one (one 2 ms,
    1 mJ layer, 60 FPS, released 3 ms in) on one sub-accelerator: the fast frame arrives
    while the long one runs. ``options`` are SimConfig keywords."""
    uses = [{"model": "long", "fps": 10}, {"model": "fast", "fps": 60, "phase_ms": 3}]
    costs = {"long": [(5, 1, 0)] * 4, "fast": [(2, 1, 0)]}
    return run(scenario(uses, {"long": 4, "fast": 1}), system(1), costs, duration_ms=10, **options)


# -- the analytical model on one sub-accelerator -----------------------------------------


def single_sub_system(*, energy_table: str = "accelergy-65nm", dram_gb_per_s: float = 1e6,
                      **sub: Any) -> HardwareSystem:
    """One sub-accelerator 'acc' (1,024-PE WS, 192 KiB buffer, NoC and DRAM so fast they
    never bound unless the test says otherwise); ``sub`` overrides its fields."""
    fields: dict[str, Any] = {"name": "acc", "dataflow": "WS", "num_pes": 1024,
                              "global_buffer_kib": 192, "noc_words_per_cycle": 1e6}
    fields.update(sub)
    if "array" in sub and "num_pes" not in sub:
        fields["num_pes"] = sub["array"][0] * sub["array"][1]
    return HardwareSystem.model_validate({
        "name": "test", "energy_table": energy_table,
        "dram": {"bandwidth_gb_per_s": dram_gb_per_s}, "sub_accelerators": [fields]})


def layer_model(*layers: dict[str, Any]) -> Model:
    """A model 'm' of the given layer specs, named l0, l1, ..."""
    named = [{"name": f"l{i}", **layer} for i, layer in enumerate(layers)]
    return Model.model_validate({"name": "m", "layers": named})


def analytical_costs(layers: list[dict[str, Any]], *, compat: bool = False,
                     **hw: Any) -> AnalyticalLayerCosts:
    """Per-layer analytical costs of ``layers`` on ``single_sub_system(**hw)``."""
    hw_system = single_sub_system(**hw)
    result = AnalyticalCostModel(scalesim_compat=compat).model_cost(
        layer_model(*layers), hw_system.sub_accelerators[0], hw_system)
    assert isinstance(result.layers, AnalyticalLayerCosts)
    return result.layers
