"""Energy tables: per-action energies of a technology, selectable by name in a system spec.

Energies are per access of one word of the sub-accelerator's word size (per byte for
DRAM, whose energy datasheets quote per bit), in picojoules in the spec, converted to
joules by the accessors here.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from xrsim import units


class EnergyTable(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = "custom"
    description: str | None = None
    mac_pj: float = Field(ge=0, description="one multiply-accumulate")
    rf_pj: float = Field(ge=0, description="one PE-local buffer (register file) word access")
    noc_pj_per_word: float = Field(ge=0, description="one word moved over the on-chip network")
    glb_pj: float = Field(ge=0, description="one global buffer word access")
    dram_pj_per_byte: float = Field(ge=0, description="one byte moved to or from DRAM")
    vector_op_pj: float = Field(default=0.0, ge=0, description="one vector-unit operation")
    static_mw: float = Field(default=0.0, ge=0, description="static power per sub-accelerator")

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
}


def energy_table(name: str) -> EnergyTable:
    try:
        return ENERGY_TABLES[name]
    except KeyError:
        raise KeyError(
            f"unknown energy table '{name}'; known: {', '.join(sorted(ENERGY_TABLES))}"
        ) from None
