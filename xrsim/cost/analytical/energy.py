"""Energy: actions counted by the performance model times per-action energies.

E = MACs e_mac + PE-buffer accesses e_rf + NoC words e_noc + buffer accesses e_glb
  + DRAM bytes e_dram + vector ops e_vec.

Static (leakage) power is not a layer's: it is charged over the whole run, busy or idle
(``xrsim/metrics/power.py``).
"""

from __future__ import annotations

import numpy as np

from xrsim.hardware.energy import EnergyTable

RF_ACCESSES_PER_MAC = {"RS": 4, "systolic": 3}
"""PE-local accesses per MAC: RS reads an input and a weight and reads and writes a psum in
scratchpads (Eyeriss ISCA'16: RF energy = 4 x ALU); a systolic PE reads its stationary
register and latches the two operands it forwards."""


def layer_energy_j(table: EnergyTable, *, macs: np.ndarray, rf_accesses: np.ndarray,
                   noc_words: np.ndarray, glb_accesses: np.ndarray, dram_bytes: np.ndarray,
                   vector_ops: np.ndarray) -> np.ndarray:
    return (macs * table.mac_j + rf_accesses * table.rf_j + noc_words * table.noc_j_per_word
            + glb_accesses * table.glb_j + dram_bytes * table.dram_j_per_byte
            + vector_ops * table.vector_op_j)
