"""Schedulers, one module each, registered by name."""

from xrsim.sim.schedulers import (  # noqa: F401  (each module registers itself)
    edf,
    fcfs,
    llf,
    rate_monotonic,
    round_robin,
    xrbench,
)
from xrsim.sim.schedulers.base import Scheduler, make_scheduler, register_scheduler, scheduler_names

__all__ = ["Scheduler", "make_scheduler", "register_scheduler", "scheduler_names"]
