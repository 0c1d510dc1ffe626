"""xrsim: a discrete-event simulator of ML accelerators for extended-reality workloads."""

from xrsim.errors import SpecError
from xrsim.run import RunResult, simulate

__version__ = "0.1.0"
__all__ = ["RunResult", "SpecError", "__version__", "simulate"]
