"""One functional entry point for the CLI, notebooks and sweeps: ``simulate``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from xrsim.cost import CostTable, get_cost_model
from xrsim.errors import SpecError
from xrsim.hardware import HardwareSystem, load_hardware
from xrsim.metrics.xrbench_score import ScenarioScore, xrbench_score
from xrsim.sim.trace import Trace
from xrsim.sim.xrbench_engine import REFERENCE_DURATION_S, run_xrbench
from xrsim.workload import Scenario, load_scenario

MODES = ("xrbench",)


@dataclass(frozen=True)
class RunResult:
    system: HardwareSystem
    scenario: Scenario
    mode: str
    costs: str
    seed: int
    duration_s: float
    cost_table: CostTable
    trace: Trace
    score: ScenarioScore

    def to_dict(self) -> dict:
        score = self.score.to_dict()
        return {
            "scenario": self.scenario.name,
            "hardware": self.system.name,
            "mode": self.mode,
            "costs": self.costs,
            "seed": self.seed,
            "duration_s": self.duration_s,
            "score": score["score"],
            "rt": score["rt"],
            "en": score["en"],
            "qoe": score["qoe"],
            "models": score["models"],
        }


def simulate(
    system: HardwareSystem | str | Path,
    scenario: Scenario | str | Path,
    *,
    mode: str = "xrbench",
    costs: str = "table",
    seed: int = 0,
    duration_s: float | None = None,
) -> RunResult:
    """Simulate ``scenario`` on ``system`` and score it.

    >>> r = simulate("xrbench-4k-A", "vr_gaming")
    >>> round(r.score.score, 2)
    86.47
    """
    if not isinstance(system, HardwareSystem):
        system = load_hardware(system)
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    if mode not in MODES:
        raise SpecError(None, "mode", f"unknown mode '{mode}'; known: {', '.join(MODES)}")
    if duration_s is not None and duration_s <= 0:
        raise SpecError(None, "duration_s", f"must be > 0, got {duration_s}")
    table = CostTable.build(get_cost_model(costs), system, scenario.models.values())
    duration = REFERENCE_DURATION_S if duration_s is None else duration_s
    trace = run_xrbench(scenario, table, seed=seed, duration_s=duration)
    return RunResult(
        system=system, scenario=scenario, mode=mode, costs=costs, seed=seed,
        duration_s=duration, cost_table=table, trace=trace,
        score=xrbench_score(trace, scenario),
    )
