"""Hardware specs: systems, sub-accelerators, off-chip memory, energy tables."""

from xrsim.hardware.energy import ENERGY_TABLES, EnergyTable
from xrsim.hardware.library import list_hardware, load_hardware
from xrsim.hardware.spec import (
    DATAFLOWS,
    MAX_ASPECT,
    Dataflow,
    DegenerateArrayError,
    DramSpec,
    HardwareSystem,
    OperatingPoint,
    SubAccelerator,
    square_array,
)

__all__ = [
    "DATAFLOWS",
    "ENERGY_TABLES",
    "MAX_ASPECT",
    "Dataflow",
    "DegenerateArrayError",
    "DramSpec",
    "EnergyTable",
    "HardwareSystem",
    "OperatingPoint",
    "SubAccelerator",
    "list_hardware",
    "load_hardware",
    "square_array",
]
