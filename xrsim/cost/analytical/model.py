"""The ``analytical`` cost backend: per-layer latency, energy and traffic from first
principles, vectorised over the unique layers of every model costed together on a
sub-accelerator (one numpy pass, not one per model: the arrays are short and numpy's
per-call overhead, not arithmetic, is the cost) and cached by content."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from xrsim.cost.analytical.cache import Arrays, CostCache, cache_key
from xrsim.cost.analytical.energy import RF_ACCESSES_PER_MAC, layer_energy_j
from xrsim.cost.analytical.memory import BOUNDS, combine, dram_words, rs_dram_words
from xrsim.cost.analytical.row_stationary import rs_counts
from xrsim.cost.analytical.shapes import LayerShapes, layer_shapes
from xrsim.cost.analytical.systolic import ArrayCounts, systolic_counts
from xrsim.cost.base import CostModel, LayerCosts, ModelCost, register_cost_model
from xrsim.hardware.energy import EnergyTable
from xrsim.hardware.spec import HardwareSystem, SubAccelerator
from xrsim.workload.model import Model


@dataclass(frozen=True)
class AnalyticalLayerCosts(LayerCosts):
    """LayerCosts plus the analytical model's intermediate counts, for reports and checks.

    ``cycles`` is the whole latency in clock cycles; ``compute_cycles`` the array alone.
    """

    compute_cycles: np.ndarray
    glb_accesses: np.ndarray
    noc_words: np.ndarray
    mapping_efficiency: np.ndarray


_SHAPES: dict[str, LayerShapes] = {}
_BOUND_NAMES = (*BOUNDS, "none")  # indexed by a layer's bound: -1 (nothing to do) is "none"


def _shapes(model: Model) -> LayerShapes:
    """Layer shapes of a model, parsed once per content (not a cost: parsing)."""
    found = _SHAPES.get(model.content_hash)
    if found is None:
        found = _SHAPES[model.content_hash] = layer_shapes(model)
    return found


_DRAM_WORDS: dict[tuple[bytes, int, bool], np.ndarray] = {}
_MAX_DRAM_WORDS = 256


def _dram_words(shapes: LayerShapes, buffer_words: int, row_stationary: bool) -> np.ndarray:
    """DRAM words of each row, memoised per (shapes, buffer size, RS or not): they depend
    on nothing else, so sub-accelerators that differ in array size, systolic dataflow,
    clock or NoC - most of a design space - share them (the Figure 5 set: 6 of 24)."""
    key = (shapes.key_bytes(), buffer_words, row_stationary)
    found = _DRAM_WORDS.get(key)
    if found is None:
        if len(_DRAM_WORDS) >= _MAX_DRAM_WORDS:
            _DRAM_WORDS.clear()
        found = (rs_dram_words(shapes, buffer_words) if row_stationary
                 else dram_words(shapes, buffer_words, buffer_words))
        found.flags.writeable = False  # shared by every result computed from it
        _DRAM_WORDS[key] = found
    return found


@lru_cache(maxsize=1024)
def _spec_key(compat: bool, paper: bool, sub: SubAccelerator, system_parts: tuple[str, str]) -> str:
    """The cache key's hardware part, serialised once per sub-accelerator spec (specs are
    frozen, so equal ones share it) rather than once per model costed on it."""
    return cache_key(str(compat), str(paper), sub.model_dump_json(exclude={"name"}), *system_parts)


@lru_cache(maxsize=64)
def _system_parts(system: HardwareSystem) -> tuple[str, str]:
    return system.dram.model_dump_json(), system.energy.model_dump_json()


def _array_counts(shapes: LayerShapes, sub: SubAccelerator, compat: bool, paper: bool) -> ArrayCounts:
    if sub.dataflow == "RS":
        pe_words = int(sub.pe_buffer_bytes // sub.word_bytes)
        return rs_counts(shapes, sub.rows, sub.cols, overhead=sub.rs_overhead, pe_buffer_words=pe_words)
    return systolic_counts(shapes, sub.dataflow, sub.rows, sub.cols,
                           ws_variant=sub.ws_variant, compat=compat, paper=paper)


def cost_shapes(shapes: LayerShapes, sub: SubAccelerator, dram_bytes_per_s: float,
                table: EnergyTable, *, compat: bool = False, paper: bool = False) -> Arrays:
    """Per-row costs of ``shapes`` on ``sub``: the whole model, as numpy arrays."""
    counts = _array_counts(shapes, sub, compat, paper)
    mac = shapes.is_mac
    active = mac & (shapes.macs > 0)
    word = sub.word_bytes
    buffer_words = max(1, int(sub.global_buffer_bytes // 2 // word))
    dram_b = _dram_words(shapes, buffer_words, sub.dataflow == "RS") * word
    link = dram_bytes_per_s / sub.clock_hz  # bytes per cycle
    glb = np.where(active, counts.glb_accesses, np.where(mac, 0, shapes.in_elems + shapes.out_elems))
    compute = np.where(active, counts.cycles, 0)
    vector = np.where(mac, 0, shapes.vector_ops) / sub.lanes
    # The first tile must arrive before the array starts and the last outputs leave after it
    # stops; a tile is what one fold of the mapping occupies (a layer that fits a small
    # array loads the same first tile on a larger one). Those bytes are part of the layer's
    # DRAM traffic, so the overlapped DRAM term carries only the rest.
    edge = np.where(mac, np.ceil(counts.mapping_efficiency * sub.num_pes), sub.lanes)
    first = np.minimum(shapes.weight_elems, edge) + np.minimum(shapes.in_elems, edge)
    last = np.minimum(shapes.out_elems, edge)
    empty = mac & ~active  # an empty (degenerate) layer does nothing at all
    first_b = np.where(empty, 0, np.minimum(first * word, dram_b))
    last_b = np.where(empty, 0, np.minimum(last * word, dram_b - first_b))
    prologue, epilogue = first_b / link, last_b / link
    terms = np.stack([compute.astype(float), glb / sub.noc_words_per_cycle,
                      (dram_b - first_b - last_b) / link, vector])
    lat = combine(terms, prologue, epilogue, sub.overlap)
    latency_s = lat.cycles / sub.clock_hz
    macs = np.where(active, shapes.macs, 0)
    rf_per_mac = RF_ACCESSES_PER_MAC["RS" if sub.dataflow == "RS" else "systolic"]
    energy = layer_energy_j(table, macs=macs, rf_accesses=macs * rf_per_mac, noc_words=glb,
                            glb_accesses=glb, dram_bytes=dram_b,
                            vector_ops=np.where(mac, 0, shapes.vector_ops))
    util = np.where(lat.cycles > 0, macs / np.maximum(lat.cycles, 1e-300) / sub.num_pes, 0.0)
    return {
        "macs": macs, "cycles": lat.cycles, "compute_cycles": compute, "latency_s": latency_s,
        "energy_j": energy, "dram_bytes": dram_b.astype(float), "utilisation": util,
        "bound": lat.bound, "glb_accesses": glb, "noc_words": glb,
        "mapping_efficiency": np.where(active, counts.mapping_efficiency, 0.0),
    }


def _utilisation(arrays: Arrays, num_pes: int) -> float:
    """MACs / (PEs x cycles) over the whole model; 0 for a model with nothing to compute."""
    cycles = float(arrays["cycles"].sum())
    return float(arrays["macs"].sum()) / (num_pes * cycles) if cycles > 0 else 0.0


@register_cost_model("analytical")
class AnalyticalCostModel(CostModel):
    """First-principles per-layer costs (docs/cost_model.md).

    ``scalesim_compat`` makes the systolic compute cycles SCALE-Sim v2's exactly, and
    ``scalesim_paper`` its paper's form (OS drains in 2Ar + Ac - 2; implies the former);
    ``cache`` may be shared between backends of one process.
    """

    def __init__(self, *, scalesim_compat: bool = False, scalesim_paper: bool = False,
                 cache: CostCache | None = None) -> None:
        self.scalesim_compat = scalesim_compat or scalesim_paper
        self.scalesim_paper = scalesim_paper
        self.cache = cache if cache is not None else CostCache()

    def layer_arrays(self, model: Model, sub: SubAccelerator, system: HardwareSystem) -> Arrays:
        """Per-layer results of ``model`` on ``sub``, aligned with ``model.layers``."""
        return self._layer_arrays([model], sub, system)[0]

    def _layer_arrays(self, models: Sequence[Model], sub: SubAccelerator, system: HardwareSystem
                      ) -> list[Arrays]:
        """``layer_arrays`` of each model; the unique rows of those not cached yet are
        costed together in one ``cost_shapes`` call (a row's cost never depends on the
        other rows costed with it) and cached model by model."""
        spec = _spec_key(self.scalesim_compat, self.scalesim_paper, sub, _system_parts(system))
        shapes = [_shapes(model) for model in models]
        keys = [cache_key(spec, s.key_bytes()) for s in shapes]
        found = [self.cache.get(key) for key in keys]
        missing = [i for i, rows in enumerate(found) if rows is None]
        if missing:
            matrix = np.concatenate([shapes[i].matrix for i in missing])
            rows = cost_shapes(LayerShapes(matrix=matrix, inverse=np.arange(len(matrix))), sub,
                               system.dram.bytes_per_s, system.energy, compat=self.scalesim_compat,
                               paper=self.scalesim_paper)
            start = 0
            for i in missing:
                end = start + len(shapes[i])
                found[i] = {name: values[start:end] for name, values in rows.items()}
                self.cache.put(keys[i], found[i])  # type: ignore[arg-type]
                start = end
        return [{name: values[s.inverse] for name, values in rows.items()}  # type: ignore[union-attr]
                for s, rows in zip(shapes, found, strict=True)]

    def model_cost(self, model: Model, sub: SubAccelerator, system: HardwareSystem) -> ModelCost:
        return self.model_costs([model], sub, system)[0]

    def model_costs(self, models: Sequence[Model], sub: SubAccelerator, system: HardwareSystem
                    ) -> list[ModelCost]:
        arrays = self._layer_arrays(models, sub, system)
        return [_model_cost(model, sub, system, a) for model, a in zip(models, arrays, strict=True)]


def _model_cost(model: Model, sub: SubAccelerator, system: HardwareSystem, a: Arrays) -> ModelCost:
    layers = AnalyticalLayerCosts(
        names=model.layer_names, macs=a["macs"], cycles=a["cycles"],
        latency_s=a["latency_s"], energy_j=a["energy_j"], dram_bytes=a["dram_bytes"],
        utilisation=a["utilisation"], bound=tuple(map(_BOUND_NAMES.__getitem__, a["bound"].tolist())),
        compute_cycles=a["compute_cycles"], glb_accesses=a["glb_accesses"],
        noc_words=a["noc_words"], mapping_efficiency=a["mapping_efficiency"],
    )
    return ModelCost(model=model.name, sub_accelerator=sub.name,
                     latency_s=float(a["latency_s"].sum()), energy_j=float(a["energy_j"].sum()),
                     dram_bytes=float(a["dram_bytes"].sum()),
                     utilisation=_utilisation(a, sub.num_pes),
                     layers=layers,
                     dram_energy_j=float(a["dram_bytes"].sum()) * system.energy.dram_j_per_byte)
