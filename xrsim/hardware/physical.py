"""Area and leakage of a hardware system at its technology node (docs/cost_model.md,
"Area and power").

A sub-accelerator's area is five separate terms, each from a named table of
``data/physical.yaml`` scaled to the system's ``technology_nm``:

- PE datapath: a multiplier of ``word_bits`` x ``word_bits``, an accumulator adder of
  2 ``word_bits`` + 8 bits and registers for both operands and the accumulator, per PE
  (Aladdin's 40 nm cells, per bit or per bit squared), over a placement utilisation;
- PE-local buffers: ``pe_buffer_bytes`` per PE, as flip-flops or as an SRAM macro with a
  fixed periphery, whichever is smaller (the two cost the same at ``REGFILE_CROSSOVER_BYTES``);
- global buffer: CACTI 7 SRAM area per MiB at the node;
- NoC: a bus of ``noc_words_per_cycle`` words registered at every array row and column;
- DRAM PHY: area per GB/s of the link; each sub-accelerator has its own unless the DRAM is
  shared, in which case the system has one.

Logic scales with Stillmaker-Baas area factors. Leakage is Aladdin's 40 nm leakage per
mm^2 of those cells, times the area at 40 nm, times Stillmaker-Baas's energy factor from
40 nm to the node (leakage energy per device scales like switching energy); the PHY is
left out of it (its power is in the DRAM energy per byte). Areas are in m^2 and powers in
W inside; ``xrsim.units`` converts.
"""

from __future__ import annotations

from dataclasses import dataclass

from xrsim import units
from xrsim.hardware.spec import HardwareSystem, SubAccelerator
from xrsim.hardware.tables import area_factor, energy_factor, sram_mm2_per_mib, tables

LOGIC_UTILISATION = 0.7
"""Standard-cell area / placed area: cells fill about 70 % of a placed block (a common
rule of thumb, an assumption here); applied to datapath, flip-flop buffers and NoC."""
ACCUMULATOR_GUARD_BITS = 8
"""Bits an accumulator keeps beyond a product's 2 x word_bits, so that sums do not overflow."""
REGFILE_CROSSOVER_BYTES = 512
"""A PE-local buffer this size costs the same as flip-flops or as an SRAM macro: Eyeriss's
0.5 KB register file per PE. Smaller buffers are flip-flops, larger ones macros."""
FIELDS = ("pe_datapath", "pe_buffers", "global_buffer", "noc", "dram_phy")


@dataclass(frozen=True)
class Area:
    """One sub-accelerator's (or the system's shared) area, by term, in m^2."""

    pe_datapath_m2: float = 0.0
    pe_buffers_m2: float = 0.0
    global_buffer_m2: float = 0.0
    noc_m2: float = 0.0
    dram_phy_m2: float = 0.0

    @property
    def total_m2(self) -> float:
        return (self.pe_datapath_m2 + self.pe_buffers_m2 + self.global_buffer_m2 + self.noc_m2
                + self.dram_phy_m2)

    @property
    def core_m2(self) -> float:
        """Everything but the DRAM PHY: what published core and synthesis areas cover."""
        return self.total_m2 - self.dram_phy_m2

    def to_dict(self) -> dict[str, float]:
        """The breakdown in mm^2, as ``run --json`` and ``costs`` report it."""
        terms = {f"{name}_mm2": units.m2_to_mm2(getattr(self, f"{name}_m2")) for name in FIELDS}
        return {"area_mm2": units.m2_to_mm2(self.total_m2), **terms}


def _logic_scale(node_nm: float) -> float:
    """Area at ``node_nm`` of logic measured at Aladdin's node."""
    return area_factor(node_nm) / area_factor(tables().aladdin["node_nm"])


def mac_um2_40nm(word_bits: int) -> float:
    """Cell area of one MAC at 40 nm, in um^2: multiplier, accumulator adder, registers."""
    a = tables().aladdin
    acc_bits = 2 * word_bits + ACCUMULATOR_GUARD_BITS
    multiplier = a["multiplier_32x32_um2"] * (word_bits / 32) ** 2
    adder = a["adder_32b_um2"] * acc_bits / 32
    registers = a["register_bit_um2"] * (2 * word_bits + acc_bits)
    return multiplier + adder + registers


def _pe_buffer_m2(bytes_per_pe: int, node_nm: float) -> float:
    """One PE's local buffer: flip-flops or an SRAM macro, whichever is smaller."""
    if bytes_per_pe == 0:
        return 0.0
    flop_bit = units.um2_to_m2(tables().aladdin["register_bit_um2"]) * _logic_scale(node_nm)
    flop_byte = flop_bit * units.BITS_PER_BYTE
    flop_byte /= LOGIC_UTILISATION
    sram_byte = units.mm2_per_mib_to_m2_per_byte(sram_mm2_per_mib(node_nm))
    periphery = REGFILE_CROSSOVER_BYTES * max(flop_byte - sram_byte, 0.0)
    return min(bytes_per_pe * flop_byte, periphery + bytes_per_pe * sram_byte)


def dram_phy_m2(system: HardwareSystem) -> float:
    """One DRAM link's PHY at the system's bandwidth."""
    return units.mm2_to_m2(tables().phy_mm2_per_gb_per_s * system.dram.bandwidth_gb_per_s)


def sub_area(sub: SubAccelerator, system: HardwareSystem) -> Area:
    node = system.technology_nm
    logic = _logic_scale(node) / LOGIC_UTILISATION
    reg_bit = units.um2_to_m2(tables().aladdin["register_bit_um2"])
    noc_bits = sub.noc_words_per_cycle * sub.word_bits
    return Area(
        pe_datapath_m2=sub.num_pes * units.um2_to_m2(mac_um2_40nm(sub.word_bits)) * logic,
        pe_buffers_m2=sub.num_pes * _pe_buffer_m2(sub.pe_buffer_bytes, node),
        global_buffer_m2=sub.global_buffer_bytes * units.mm2_per_mib_to_m2_per_byte(sram_mm2_per_mib(node)),
        noc_m2=noc_bits * (sub.rows + sub.cols) * reg_bit * logic,
        dram_phy_m2=0.0 if system.dram.shared else dram_phy_m2(system),
    )


@dataclass(frozen=True)
class SystemArea:
    subs: dict[str, Area]
    shared: Area
    """What no single sub-accelerator owns: a shared DRAM link's PHY."""

    @property
    def total_m2(self) -> float:
        return sum(a.total_m2 for a in self.subs.values()) + self.shared.total_m2

    def to_dict(self) -> dict:
        terms = {f"{name}_mm2": units.m2_to_mm2(
            sum(getattr(a, f"{name}_m2") for a in [*self.subs.values(), self.shared])) for name in FIELDS}
        return {"area_mm2": units.m2_to_mm2(self.total_m2), **terms,
                "sub_accelerators": {n: a.to_dict() for n, a in self.subs.items()}}


def system_area(system: HardwareSystem) -> SystemArea:
    shared = Area(dram_phy_m2=dram_phy_m2(system)) if system.dram.shared else Area()
    return SystemArea(subs={s.name: sub_area(s, system) for s in system.sub_accelerators}, shared=shared)


def leakage_w_per_m2_40nm() -> float:
    """Aladdin's 40 nm leakage per unit of cell area (multiplier, adder and a register bit together)."""
    a = tables().aladdin
    power_mw = a["multiplier_32x32_leakage_mw"] + a["adder_32b_leakage_mw"] + a["register_bit_leakage_mw"]
    area_um2 = a["multiplier_32x32_um2"] + a["adder_32b_um2"] + a["register_bit_um2"]
    return units.mw_to_w(power_mw) / units.um2_to_m2(area_um2)


def leakage_w(sub: SubAccelerator, system: HardwareSystem, voltage_v: float | None = None) -> float:
    """Static power of ``sub`` while powered: its area but the PHY, taken back to 40 nm, times
    Aladdin's leakage density, times the Stillmaker-Baas energy factor from 40 nm to the
    node, times the energy table's ``leakage_scale``; plus its ``static_mw`` (a fixed extra,
    e.g. from a measured chip).

    ``voltage_v`` is the hook for DVFS operating points: leakage scales with V / the
    tables' reference voltage (0.8 V); None is the reference voltage."""
    node = system.technology_nm
    aladdin_node = tables().aladdin["node_nm"]
    core_at_40nm = sub_area(sub, system).core_m2 / _logic_scale(node)
    scale = energy_factor(node) / energy_factor(aladdin_node)
    ref_v = tables().reference_voltage_v
    volts = 1.0 if voltage_v is None else voltage_v / ref_v
    area_based = core_at_40nm * leakage_w_per_m2_40nm() * scale * system.energy.leakage_scale
    return (area_based + system.energy.static_w) * volts


def voltage_scale(sub: SubAccelerator, point: int | None) -> float:
    """V / V_nominal of ``sub`` at operating point ``point`` (1.0 without points)."""
    nominal = sub.nominal_voltage_v
    if point is None or nominal is None:
        return 1.0
    return sub.points[point].voltage_v / nominal


def leakage_at_voltage_w(sub: SubAccelerator, system: HardwareSystem, voltage_v: float | None) -> float:
    """Leakage of ``sub`` while supplied at ``voltage_v`` (one of its operating points'):
    the nominal point leaks what the area model says (``leakage_w`` at the tables'
    reference voltage), any other V times V / V_nominal, through ``leakage_w``'s voltage
    hook. ``voltage_v`` None, or a sub-accelerator without points: ``leakage_w(sub, system)``."""
    nominal = sub.nominal_voltage_v
    if voltage_v is None or nominal is None:
        return leakage_w(sub, system)
    return leakage_w(sub, system, tables().reference_voltage_v * (voltage_v / nominal))
