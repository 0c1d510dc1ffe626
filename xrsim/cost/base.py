"""The cost-model interface: what a backend tells the engine about a model on a
sub-accelerator, and the table of those costs that a run is built on.

Backends (``table``, ``analytical``) register by name; the engine only sees ``CostTable``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from xrsim.hardware.spec import HardwareSystem, SubAccelerator
from xrsim.registry import Registry
from xrsim.workload.model import Model


@dataclass(frozen=True)
class LayerCosts:
    """Per-layer costs of one model on one sub-accelerator; arrays are aligned with the
    model's layers. ``bound`` names the resource that sets each layer's latency."""

    names: tuple[str, ...]
    macs: np.ndarray
    cycles: np.ndarray
    latency_s: np.ndarray
    energy_j: np.ndarray
    dram_bytes: np.ndarray
    utilisation: np.ndarray
    bound: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.names)


@dataclass(frozen=True)
class ModelCost:
    """Whole-model cost; ``layers`` is None when the backend knows only model totals.
    ``utilisation`` is MACs / (PEs x cycles) over the whole model. ``dram_energy_j`` is the
    part of ``energy_j`` spent moving DRAM bytes (None: the backend does not say; 0 if it
    charges none)."""

    model: str
    sub_accelerator: str
    latency_s: float
    energy_j: float
    dram_bytes: float | None = None
    utilisation: float | None = None
    layers: LayerCosts | None = None
    dram_energy_j: float | None = None


class CostModel(ABC):
    """A per-(model, sub-accelerator) cost backend."""

    name: ClassVar[str]
    totals_from: ClassVar[frozenset[str] | None] = None
    """The sub-accelerator fields that set a model's total latency and energy; None: every
    hardware field can. A backend of measured costs names the few its table is keyed by."""

    @abstractmethod
    def model_cost(self, model: Model, sub: SubAccelerator, system: HardwareSystem) -> ModelCost:
        """Latency and energy of one inference of ``model`` on ``sub``."""

    def model_costs(self, models: Sequence[Model], sub: SubAccelerator, system: HardwareSystem
                    ) -> list[ModelCost]:
        """``model_cost`` of each model; a backend that can cost several models at once
        (in one vectorised pass) overrides it."""
        return [self.model_cost(model, sub, system) for model in models]


def _by_sub(backend: CostModel, system: HardwareSystem, wanted: Sequence[tuple[Model, int]]
            ) -> dict[tuple[str, int], ModelCost]:
    """Costs of the (model, sub-accelerator index) pairs ``wanted``, each sub-accelerator's
    models costed in one ``model_costs`` call."""
    out = {}
    for i, sub in enumerate(system.sub_accelerators):
        models = [model for model, j in wanted if j == i]
        if models:
            for model, cost in zip(models, backend.model_costs(models, sub, system), strict=True):
                out[(model.name, i)] = cost
    return out


HARMLESS_FIELDS = frozenset({"name", "description", "source"})
RUN_FIELDS = frozenset({"technology_nm", "power_gating", "enabled", "wake_up_us", "operating_points",
                        "operating_point"})
"""Fields that shape a run but never the cost table's nominal costs: the node (area and
leakage), power gating (the engine) and DVFS operating points (whose own costs need a
backend that costs a clock, ``xrsim.cost.dvfs.check_backend``, and which mode xrbench
refuses but for the nominal one), so that overriding them is refused, if at all, with
the reason that applies; a path into one point (``operating_points.0.voltage_v``) counts
as ``operating_points``."""


def ignored_fields(backend: str, paths: list[str]) -> list[str]:
    """The override paths that cannot change a model's total cost on ``backend``: a
    measured table knows nothing of clocks, buffers or DRAM."""
    reads = COST_BACKENDS.get(backend).totals_from
    if reads is None:
        return []
    ignored = []
    for path in paths:
        parts = path.split(".")
        field = parts[-1] if parts[0] == "sub_accelerators" and len(parts) >= 3 else parts[0]
        if "operating_points" in parts:
            field = "operating_points"
        if field not in reads | HARMLESS_FIELDS | RUN_FIELDS:
            ignored.append(path)
    return ignored


COST_BACKENDS: Registry[CostModel] = Registry("cost backend", "costs")
register_cost_model = COST_BACKENDS.register
cost_backends = COST_BACKENDS.names


def get_cost_model(name: str) -> CostModel:
    """A new instance of the backend registered as ``name``."""
    return COST_BACKENDS.get(name)()


class CostMemo:
    """Model costs already computed, for runs that share them (a sweep's worker runs
    thousands): keyed by everything a cost depends on - the backend, the model's layers,
    the sub-accelerator, the system's DRAM and energy table - so a changed input misses.
    At most ``capacity`` costs are kept, the least recently used going first: a sweep over
    thousands of generated designs would otherwise hold every design's layer arrays."""

    def __init__(self, capacity: int = 4096) -> None:
        self.capacity = capacity
        self._costs: OrderedDict[tuple[str, ...], ModelCost] = OrderedDict()

    def __len__(self) -> int:
        return len(self._costs)

    def costs(self, backend: CostModel, system: HardwareSystem, models: Iterable[Model]
              ) -> dict[tuple[str, int], ModelCost]:
        shared = system.model_dump_json(include={"dram", "energy_table"})
        subs = [sub.model_dump_json() for sub in system.sub_accelerators]
        models = list(models)

        def key(model: Model, i: int) -> tuple[str, ...]:
            return (backend.name, model.name, model.content_hash, subs[i], shared)

        out: dict[tuple[str, int], ModelCost] = {}
        missing = []
        for model in models:  # what is here first: eviction below must not take it meanwhile
            for i in range(len(subs)):
                cost = self._costs.get(key(model, i))
                if cost is None:
                    missing.append((model, i))
                else:
                    self._costs.move_to_end(key(model, i))
                    out[(model.name, i)] = cost
        computed = _by_sub(backend, system, missing)
        for model, i in missing:
            out[(model.name, i)] = self._costs[key(model, i)] = computed[(model.name, i)]
        while len(self._costs) > self.capacity:
            self._costs.popitem(last=False)
        return {(model.name, i): out[(model.name, i)] for model in models for i in range(len(subs))}


@dataclass(frozen=True)
class CostTable:
    """Costs of every (model, sub-accelerator) pair of a run, computed once before it."""

    system: HardwareSystem
    costs: dict[tuple[str, int], ModelCost]
    at_points: dict[tuple[str, int], tuple[ModelCost, ...]] = field(default_factory=dict)
    """DVFS: per (model, sub-accelerator index), the cost at each operating point, lowest
    clock first (``xrsim.cost.dvfs.with_points``); empty when no point is listed."""

    @classmethod
    def build(cls, backend: CostModel, system: HardwareSystem, models: Iterable[Model],
              memo: CostMemo | None = None) -> CostTable:
        if memo is not None:
            return cls(system=system, costs=memo.costs(backend, system, models))
        models = list(models)
        pairs = [(model, i) for model in models for i in range(len(system.sub_accelerators))]
        costs = _by_sub(backend, system, pairs)
        return cls(system=system, costs={(model.name, i): costs[(model.name, i)] for model, i in pairs})

    def get(self, model: str, sub_index: int) -> ModelCost:
        return self.costs[(model, sub_index)]

    def latency_s(self, model: str, sub_index: int) -> float:
        return self.costs[(model, sub_index)].latency_s

    def energy_j(self, model: str, sub_index: int) -> float:
        return self.costs[(model, sub_index)].energy_j
