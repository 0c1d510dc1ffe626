"""Costs of each DVFS operating point (docs/hardware_spec.md, "operating_points").

A point is costed as the sub-accelerator at that clock through the run's own cost model,
so a compute-bound layer's latency scales with 1/f while a DRAM-bound one's does not. Its
on-chip (dynamic) energy is then scaled by (V / V_nominal)^2; the DRAM part of the energy
(``ModelCost.dram_energy_j``, split over the layers by their DRAM bytes) is not, the DRAM
having its own supply. The nominal point's costs are the table's own, unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

import numpy as np

from xrsim.cost.base import CostMemo, CostModel, CostTable, ModelCost
from xrsim.errors import SpecError
from xrsim.hardware.physical import voltage_scale
from xrsim.hardware.spec import HardwareSystem
from xrsim.workload.model import Model


def scale_dynamic(cost: ModelCost, factor: float) -> ModelCost:
    """``cost`` with its on-chip energy times ``factor`` and its DRAM energy as it was."""
    dram_j = cost.dram_energy_j or 0.0
    energy = (cost.energy_j - dram_j) * factor + dram_j
    layers = cost.layers
    if layers is not None:
        total_bytes = float(layers.dram_bytes.sum())
        layer_dram = (layers.dram_bytes * (dram_j / total_bytes) if total_bytes > 0
                      else np.zeros_like(layers.energy_j))
        layers = replace(layers, energy_j=(layers.energy_j - layer_dram) * factor + layer_dram)
    return replace(cost, energy_j=energy, layers=layers)


def check_backend(backend: CostModel, system: HardwareSystem) -> None:
    """Refuse operating points on a backend whose costs ignore the clock (a measured table):
    every point would cost the same."""
    listed = [s.name for s in system.sub_accelerators if s.operating_points is not None]
    reads = backend.totals_from
    if listed and reads is not None and "clock_ghz" not in reads:
        raise SpecError(None, "costs", (
            f"operating points need a cost backend that costs a clock, and '{backend.name}' "
            f"ignores clock_ghz (operating_points listed on {', '.join(listed)}); use costs 'analytical'"))


def with_points(backend: CostModel, nominal: CostTable, models: Iterable[Model],
                memo: CostMemo | None = None) -> CostTable:
    """``nominal`` with ``at_points``: per (model, sub-accelerator index), the model's cost
    at each of the sub-accelerator's operating points, lowest clock first (sub-accelerators
    without points are left out; a system without any is returned as it is). ``memo``
    keeps each point's costs for the next run that needs them, as it keeps the nominal's."""
    system = nominal.system
    if not system.has_points:
        return nominal
    check_backend(backend, system)
    models = list(models)
    out: dict[tuple[str, int], tuple[ModelCost, ...]] = {}
    for i, sub in enumerate(system.sub_accelerators):
        if not sub.points:
            continue
        per_point: list[list[ModelCost]] = []
        for k in range(len(sub.points)):
            if k == sub.nominal_point:
                per_point.append([nominal.get(m.name, i) for m in models])
                continue
            factor = voltage_scale(sub, k) ** 2
            costs = _costs_at(backend, system, i, k, models, memo)
            per_point.append([scale_dynamic(c, factor) for c in costs])
        for j, model in enumerate(models):
            out[(model.name, i)] = tuple(per_point[k][j] for k in range(len(sub.points)))
    return replace(nominal, at_points=out)


def _costs_at(backend: CostModel, system: HardwareSystem, sub: int, point: int, models: list[Model],
              memo: CostMemo | None) -> list[ModelCost]:
    """The models' costs on sub-accelerator ``sub`` clocked at its point ``point``."""
    clocked = system.sub_accelerators[sub].at_point(point)
    if memo is None:
        return backend.model_costs(models, clocked, system)
    subs = system.sub_accelerators
    one = system.model_copy(update={"sub_accelerators": (*subs[:sub], clocked, *subs[sub + 1:])})
    costs = memo.costs(backend, one, models)  # the other sub-accelerators' are there already
    return [costs[(model.name, sub)] for model in models]
