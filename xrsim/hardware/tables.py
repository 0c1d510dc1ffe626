"""The named area, leakage and DRAM tables (``data/physical.yaml``), read once and checked.

Each table keeps its published units here; ``xrsim.units`` converts them where they are
used (``xrsim/hardware/physical.py``). The sources are cited in the YAML file and in
docs/cost_model.md, "Area and power".
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from xrsim.specio import read_yaml

DATA_FILE = Path(__file__).resolve().parent / "data" / "physical.yaml"
MEMORY_TYPES: tuple[str, ...] = ("LPDDR4", "LPDDR5", "HBM2", "HBM3")
MIN_NODE_NM, MAX_NODE_NM = 7, 65
"""The nodes the tables cover: Stillmaker-Baas's 7 nm to CACTI's and Eyeriss's 65 nm."""


@dataclass(frozen=True)
class Tables:
    area_vs_45nm: dict[int, float]
    energy_poly: dict[int, tuple[float, float, float]]
    reference_voltage_v: float
    sram_mm2_per_mib: dict[int, float]
    aladdin: dict[str, float]
    dram_pj_per_bit: dict[str, float]
    phy_mm2_per_gb_per_s: float


def _loglog(table: dict[int, float], node_nm: float) -> float | None:
    """Log-log interpolation between the two listed nodes around ``node_nm``; None outside them."""
    nodes = sorted(table)
    if node_nm in table:
        return table[int(node_nm)]
    for lo, hi in itertools.pairwise(nodes):
        if lo < node_nm < hi:
            t = math.log(node_nm / lo) / math.log(hi / lo)
            return math.exp(math.log(table[lo]) + t * (math.log(table[hi]) - math.log(table[lo])))
    return None


def interpolate(table: dict[int, float], node_nm: float) -> float:
    """A per-node figure at ``node_nm``, log-log between the listed nodes (which must bracket it)."""
    value = _loglog(table, node_nm)
    if value is None:
        raise ValueError(f"{node_nm} nm is outside the table's nodes {min(table)} to {max(table)} nm")
    return value


@cache
def tables() -> Tables:
    data: dict[str, Any] = read_yaml(DATA_FILE)  # strict, and its fast path: 0.2 ms, not 2 ms
    sb = data["stillmaker_baas_2017"]
    dram = data["dram_types"]
    if set(dram["pj_per_bit"]) != set(MEMORY_TYPES):
        raise ValueError(f"{DATA_FILE}: dram_types.pj_per_bit must list {', '.join(MEMORY_TYPES)}")
    return Tables(
        area_vs_45nm={int(n): float(v[0]) for n, v in sb["nodes"].items()},
        energy_poly={int(n): (float(v[1]), float(v[2]), float(v[3])) for n, v in sb["nodes"].items()},
        reference_voltage_v=float(sb["reference_voltage_v"]),
        sram_mm2_per_mib={int(n): float(v) for n, v in data["cacti7_sram"]["mm2_per_mib"].items()},
        aladdin={k: float(v) for k, v in data["aladdin_40nm"].items() if k != "source"},
        dram_pj_per_bit={str(k): float(v) for k, v in dram["pj_per_bit"].items()},
        phy_mm2_per_gb_per_s=float(dram["phy_mm2"]) / float(dram["phy_gb_per_s"]),
    )


def area_factor(node_nm: float) -> float:
    """Area at ``node_nm`` relative to 45 nm (Stillmaker-Baas), log-log between nodes."""
    return interpolate(tables().area_vs_45nm, node_nm)


def energy_factor(node_nm: float, voltage_v: float | None = None) -> float:
    """Switching energy at ``node_nm`` and ``voltage_v`` relative to 45 nm at the reference
    voltage: Stillmaker-Baas's a V^2 + b V + c of the node, log-log between nodes. A DVFS
    operating point evaluates it at its own voltage."""
    t = tables()
    v = t.reference_voltage_v if voltage_v is None else voltage_v

    def at(node: int) -> float:
        a, b, c = t.energy_poly[node]
        return a * v * v + b * v + c

    a45, b45, c45 = t.energy_poly[45]
    ref = a45 * t.reference_voltage_v ** 2 + b45 * t.reference_voltage_v + c45
    return interpolate({n: at(n) for n in t.energy_poly}, node_nm) / ref


def sram_mm2_per_mib(node_nm: float) -> float:
    """CACTI 7 SRAM area per MiB; below its smallest node, that node's figure scaled by area factors."""
    table = tables().sram_mm2_per_mib
    smallest = min(table)
    if node_nm < smallest:
        return table[smallest] * area_factor(node_nm) / area_factor(smallest)
    return interpolate(table, node_nm)


def dram_pj_per_bit(memory_type: str) -> float:
    return tables().dram_pj_per_bit[memory_type]
