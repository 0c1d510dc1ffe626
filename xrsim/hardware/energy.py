"""Energy tables: per-action energies of a technology, selectable by name in a system spec.

Energies are per access of one word of the sub-accelerator's word size (per byte for
DRAM, whose energy datasheets quote per bit), in picojoules in the spec, converted to
joules by the accessors here.
"""

from __future__ import annotations

from pydantic import BaseModel, Field, StrictFloat

from xrsim import units
from xrsim.specio import SPEC_CONFIG


class EnergyTable(BaseModel):
    model_config = SPEC_CONFIG

    name: str = "custom"
    description: str | None = None
    mac_pj: StrictFloat = Field(ge=0, description="one multiply-accumulate")
    rf_pj: StrictFloat = Field(ge=0, description="one PE-local buffer (register file) word access")
    noc_pj_per_word: StrictFloat = Field(ge=0, description="one word moved over the on-chip network")
    glb_pj: StrictFloat = Field(ge=0, description="one global buffer word access")
    dram_pj_per_byte: StrictFloat = Field(ge=0, description="one byte moved to or from DRAM")
    vector_op_pj: StrictFloat = Field(default=0.0, ge=0, description="one vector-unit operation")
    static_mw: StrictFloat = Field(default=0.0, ge=0, description="static power per sub-accelerator")
    leakage_scale: StrictFloat = Field(default=1.0, ge=0, description=(
        "multiplies the area model's leakage (e.g. 0.1 for a low-power library)"))

    @property
    def mac_j(self) -> float:
        return units.pj_to_j(self.mac_pj)

    @property
    def rf_j(self) -> float:
        return units.pj_to_j(self.rf_pj)

    @property
    def noc_j_per_word(self) -> float:
        return units.pj_to_j(self.noc_pj_per_word)

    @property
    def glb_j(self) -> float:
        return units.pj_to_j(self.glb_pj)

    @property
    def dram_j_per_byte(self) -> float:
        return units.pj_to_j(self.dram_pj_per_byte)

    @property
    def vector_op_j(self) -> float:
        return units.pj_to_j(self.vector_op_pj)

    @property
    def static_w(self) -> float:
        return units.mw_to_w(self.static_mw)


_XRBENCH_MAC_PJ = 2.88
# Accelergy 65 nm Eyeriss-like ERT (timeloop-accelergy-exercises, eyeriss_like ref_outputs),
# 8-bit data. PE-local: the four scratchpad actions of one MAC (weights_spad read 1.977,
# ifmap_spad read 0.202, psum_spad read 0.251 and write 0.219 pJ), averaged per access.
# Global buffer: 128 KB SRAM, 18.18 pJ per 64-bit read and 14.14 per write, averaged and
# divided by the 8 one-byte words of an access. DRAM: LPDDR4, 512 pJ per 64-bit access.
_ACCELERGY_RF_PJ = (1.977 + 0.202 + 0.251 + 0.219) / 4
_ACCELERGY_GLB_PJ = (18.18 + 14.14) / 2 / units.bits_to_bytes(64)
_ACCELERGY_DRAM_PJ_PER_BYTE = 512 / units.bits_to_bytes(64)

# An 8-bit accelerator at 7 nm, from Horowitz's 45 nm, 0.9 V figures (ISSCC 2014 keynote,
# "Computing's energy problem"): int8 multiply 0.2 pJ + add 0.03 pJ per MAC, int8 add 0.03 pJ
# per vector op, 1 MB SRAM 100 pJ per 64-bit access (12.5 pJ per byte), each scaled to 7 nm
# by Stillmaker and Baas's energy fits at 0.8 V: E(7 nm) / E(45 nm) = 0.065358 / 0.69302.
# PE-local and NoC words keep Eyeriss's MAC : RF : NoC = 1 : 1 : 2 (Chen et al., ISCA 2016).
# DRAM: LPDDR5's 6.4 pJ per bit (I/O energy, which hardly scales); dram.memory_type overrides.
_TO_7NM = 0.065358 / 0.69302
_INT8_MAC_7NM_PJ = (0.2 + 0.03) * _TO_7NM

ENERGY_TABLES: dict[str, EnergyTable] = {
    "xrbench-maestro": EnergyTable(
        name="xrbench-maestro",
        description=(
            "The XRBench reference's MAESTRO activity-count model: MAC 2.88 pJ, L1 (PE-local) "
            "0.55x, L2 (global buffer) 6x, DRAM 75x a MAC per word (its fork's constants; the "
            "reference's own totals leave DRAM out). No NoC energy, no static power."
        ),
        mac_pj=_XRBENCH_MAC_PJ,
        rf_pj=0.55 * _XRBENCH_MAC_PJ,
        noc_pj_per_word=0.0,
        glb_pj=6.0 * _XRBENCH_MAC_PJ,
        dram_pj_per_byte=75.0 * _XRBENCH_MAC_PJ,
    ),
    "eyeriss-65nm-normalised": EnergyTable(
        name="eyeriss-65nm-normalised",
        description=(
            "Eyeriss ISCA'16 normalised costs, MAC : RF : NoC : global buffer : DRAM = "
            "1 : 1 : 2 : 6 : 200 per 16-bit word (the nn_dataflow Cost(mac_op=1, "
            "mem_hier=(200, 6, 2, 1))). Values are in units of one MAC, stored as pJ: "
            "compare ratios, not joules. DRAM per byte is 200 / 2."
        ),
        mac_pj=1.0,
        rf_pj=1.0,
        noc_pj_per_word=2.0,
        glb_pj=6.0,
        dram_pj_per_byte=200.0 / 2,
        vector_op_pj=1.0,
    ),
    "accelergy-65nm": EnergyTable(
        name="accelergy-65nm",
        description=(
            "Absolute 65 nm energies from the Accelergy ERT of Timeloop's eyeriss_like design "
            "(8-bit data): MAC 0.208 pJ; PE-local access 0.662 pJ (mean of the weight, ifmap and "
            "psum scratchpad actions of a MAC); global buffer 2.02 pJ per byte (128 KB SRAM, "
            "mean of 18.18 read / 14.14 write per 64 bits); LPDDR4 DRAM 64 pJ per byte "
            "(8 pJ/bit). The ERT has no network entry (NoC 0); leakage is below 0.1 % there "
            "(static 0). Vector ops are charged as one MAC."
        ),
        mac_pj=0.208,
        rf_pj=_ACCELERGY_RF_PJ,
        noc_pj_per_word=0.0,
        glb_pj=_ACCELERGY_GLB_PJ,
        dram_pj_per_byte=_ACCELERGY_DRAM_PJ_PER_BYTE,
        vector_op_pj=0.208,
    ),
    "int8-7nm": EnergyTable(
        name="int8-7nm",
        description=(
            "An 8-bit datapath at 7 nm: Horowitz's 45 nm energies (ISSCC 2014) scaled by "
            "Stillmaker-Baas (x 0.0943): MAC 0.0217 pJ, PE-local word = MAC and NoC word = 2 MACs "
            "(Eyeriss's ratios), global buffer 1.18 pJ per byte (1 MB SRAM), vector op 0.0028 pJ, "
            "LPDDR5 DRAM 51.2 pJ per byte. For headset-class design studies with technology_nm: 7."
        ),
        mac_pj=_INT8_MAC_7NM_PJ,
        rf_pj=_INT8_MAC_7NM_PJ,
        noc_pj_per_word=2 * _INT8_MAC_7NM_PJ,
        glb_pj=100 / units.bits_to_bytes(64) * _TO_7NM,
        dram_pj_per_byte=6.4 * units.BITS_PER_BYTE,
        vector_op_pj=0.03 * _TO_7NM,
    ),
}
