"""The engines a run can use, registered by mode name like cost backends and schedulers.

An engine says which options it takes (a pydantic model, or None for none), which cost
backend it runs on unless told, what it refuses in a scenario, and how it turns a
scenario and its cost table into a Trace. ``xrsim.options`` derives the run options of
every mode from these entries.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

from pydantic import BaseModel

from xrsim.cost.base import CostTable
from xrsim.errors import SpecError
from xrsim.registry import Registry
from xrsim.sim.config import SimConfig
from xrsim.sim.engine import run_default
from xrsim.sim.trace import Trace
from xrsim.sim.xrbench_engine import REFERENCE_DURATION_S, XRBenchOptions, run_xrbench
from xrsim.workload.scenario import Scenario


class Engine(ABC):
    name: ClassVar[str]
    summary: ClassVar[str]
    default_costs: ClassVar[str]
    options_type: ClassVar[type[BaseModel] | None]
    """The engine's own options; None: it takes none."""
    default_duration_s: ClassVar[float] = REFERENCE_DURATION_S

    @abstractmethod
    def check(self, scenario: Scenario, options: BaseModel | None, duration_s: float) -> None:
        """Refuse, before anything runs, what this engine could not simulate as asked."""

    @abstractmethod
    def run(self, scenario: Scenario, table: CostTable, options: BaseModel | None, *,
            seed: int, duration_s: float) -> Trace:
        """Simulate ``scenario`` on the costs of ``table``."""


ENGINES: Registry[Engine] = Registry("mode", "mode")


def get_engine(mode: str) -> Engine:
    return ENGINES.get(mode)()


@ENGINES.register("default")
class DefaultMode(Engine):
    summary = "xrsim's engine (docs/engine.md): exact releases, schedulers, blocks, shared DRAM"
    default_costs = "analytical"
    options_type = SimConfig

    def check(self, scenario: Scenario, options: BaseModel | None, duration_s: float) -> None:
        assert isinstance(options, SimConfig)
        if options.warmup_s >= duration_s:
            raise SpecError(None, "warmup_s", (
                f"must be less than the simulated time ({duration_s:g} s), got {options.warmup_s:g} s: "
                "no frame would be measured"))

    def run(self, scenario: Scenario, table: CostTable, options: BaseModel | None, *,
            seed: int, duration_s: float) -> Trace:
        assert isinstance(options, SimConfig)
        return run_default(scenario, table, options, seed=seed, duration_s=duration_s)


@ENGINES.register("xrbench")
class XRBenchMode(Engine):
    summary = "the XRBench reference runtime's semantics, quirk for quirk (docs/xrbench.md)"
    default_costs = "table"
    options_type = XRBenchOptions

    def check(self, scenario: Scenario, options: BaseModel | None, duration_s: float) -> None:
        timed = [u.model for u in scenario.uses if u.phase_ms or u.jitter is not None]
        if timed:
            raise SpecError(scenario.path or scenario.name, "mode", (
                "mode 'xrbench' releases frames on the reference's tick grid and cannot apply "
                f"phase_ms or jitter ({', '.join(timed)}); use mode 'default'"))

    def run(self, scenario: Scenario, table: CostTable, options: BaseModel | None, *,
            seed: int, duration_s: float) -> Trace:
        assert isinstance(options, XRBenchOptions)
        gated = [s.name for s in table.system.sub_accelerators if s.gated]
        if gated:
            raise SpecError(None, "power_gating", (
                f"mode 'xrbench' has no power gating (the reference has none), and {', '.join(gated)} "
                "of the hardware asks for it; use mode 'default'"))
        moved = [f"sub_accelerators.{s.name}.operating_point" for s in table.system.sub_accelerators
                 if s.selected_point != s.nominal_point]
        if moved:
            raise SpecError(None, moved[0], (
                "mode 'xrbench' runs every sub-accelerator at its nominal clock (the reference has no "
                "DVFS) and this selects another operating point; use mode 'default'"))
        return run_xrbench(scenario, table, seed=seed, duration_s=duration_s, rng=options.rng)
