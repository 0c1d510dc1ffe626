"""xrsim: a discrete-event simulator of ML accelerators for extended-reality workloads."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from xrsim.errors import SpecError

if TYPE_CHECKING:
    from xrsim.run import RunResult, simulate

__version__ = "0.1.0"
__all__ = ["RunResult", "SpecError", "__version__", "simulate"]


def __getattr__(name: str) -> Any:
    """``simulate`` and ``RunResult`` load the simulator (numpy, pydantic, SimPy) on first
    use, so that importing a light submodule, or the command line setting up its process
    before numpy loads, does not pay for it."""
    if name in ("RunResult", "simulate"):
        from xrsim import run

        return getattr(run, name)
    raise AttributeError(f"module 'xrsim' has no attribute {name!r}")
