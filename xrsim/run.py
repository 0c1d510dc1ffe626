"""One functional entry point for the CLI, notebooks and sweeps: ``simulate``."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from xrsim.cost import CostTable, get_cost_model
from xrsim.errors import SpecError
from xrsim.hardware import HardwareSystem, load_hardware
from xrsim.metrics.stats import RunStats, run_stats
from xrsim.metrics.xrbench_score import (
    DEFAULT_E_MAX_J,
    DEFAULT_K_PER_MS,
    ScenarioScore,
    xrbench_score,
)
from xrsim.sim.config import SimConfig, build_sim_config, load_sim_config
from xrsim.sim.engine import run_default
from xrsim.sim.trace import Trace
from xrsim.sim.xrbench_engine import REFERENCE_DURATION_S, run_xrbench
from xrsim.workload import Scenario, load_scenario

MODES = ("default", "xrbench")
MAX_FRAMES = 10_000_000
"""Frames a run may release: beyond this it would exhaust memory before it ended."""
DEFAULT_COSTS = {"default": "analytical", "xrbench": "table"}
"""Each mode's cost backend unless one is named: the reference runtime runs on the
reference's own costs, the default engine on the analytical model."""


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
    stats: RunStats
    config: SimConfig | None = None

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
            "config": self.config.model_dump() if self.config is not None else None,
            "stats": self.stats.to_dict(),
        }


def _engine_config(mode: str, scenario: Scenario, config: SimConfig | str | Path | None,
                   overrides: Mapping[str, object]) -> SimConfig | None:
    """The default engine's options (``config`` with ``overrides`` on top); None in mode
    ``xrbench``, which refuses options it could only ignore."""
    if mode == "default":
        base = load_sim_config(config) if isinstance(config, (str, Path)) else config
        return build_sim_config(base, overrides)
    given = sorted(k for k, v in overrides.items() if v is not None)
    if config is not None or given:
        raise SpecError(None, "mode", "mode 'xrbench' is the reference runtime and takes no "
                        f"engine options ({', '.join(given) or 'config'}); use mode 'default'")
    timed = [u.model for u in scenario.uses if u.phase_ms or u.jitter is not None]
    if timed:
        raise SpecError(None, "mode", "mode 'xrbench' releases frames on the reference's tick grid "
                        f"and cannot apply phase_ms or jitter ({', '.join(timed)}); use mode 'default'")
    return None


def simulate(
    system: HardwareSystem | str | Path,
    scenario: Scenario | str | Path,
    *,
    mode: str = "default",
    costs: str | None = None,
    seed: int = 0,
    duration_s: float | None = None,
    config: SimConfig | str | Path | None = None,
    scheduler: str | None = None,
    placement: str | None = None,
    granularity: str | None = None,
    preemptive: bool | None = None,
    migration: bool | None = None,
    shared_dram: bool | None = None,
    drop_policy: str | None = None,
    warmup_s: float | None = None,
    record_blocks: bool | None = None,
    k_per_ms: float = DEFAULT_K_PER_MS,
    e_max_j: float = DEFAULT_E_MAX_J,
) -> RunResult:
    """Simulate ``scenario`` on ``system`` and score it.

    Mode ``xrbench`` is the reference runtime; mode ``default`` is the engine of
    docs/engine.md, configured by ``config`` (a SimConfig or a YAML path) with any
    keyword option given here taking precedence over it. ``costs`` defaults to the
    mode's backend (``DEFAULT_COSTS``); ``k_per_ms`` and ``e_max_j`` are the score's
    parameters.

    >>> r = simulate("xrbench-4k-A", "vr_gaming", mode="xrbench", costs="table")
    >>> round(r.score.score, 2)
    86.47
    >>> r = simulate("xrbench-8k-J", "ar_gaming", mode="default", costs="table", scheduler="llf")
    >>> r.config.scheduler, r.stats.run.frames > 0
    ('llf', True)
    """
    if not isinstance(system, HardwareSystem):
        system = load_hardware(system)
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    if mode not in MODES:
        raise SpecError(None, "mode", f"unknown mode '{mode}'; known: {', '.join(MODES)}")
    positive = {"k_per_ms": k_per_ms, "e_max_j": e_max_j}
    if duration_s is not None:
        positive["duration_s"] = duration_s
    for name, value in positive.items():
        if not (math.isfinite(value) and value > 0):
            raise SpecError(None, name, f"must be a finite number > 0, got {value}")
    if seed < 0:
        raise SpecError(None, "seed", f"must be >= 0, got {seed}")
    costs = costs or DEFAULT_COSTS[mode]
    overrides = {
        "scheduler": scheduler, "placement": placement, "granularity": granularity,
        "preemptive": preemptive, "migration": migration, "shared_dram": shared_dram,
        "drop_policy": drop_policy, "warmup_s": warmup_s, "record_blocks": record_blocks,
    }
    sim_config = _engine_config(mode, scenario, config, overrides)
    duration = REFERENCE_DURATION_S if duration_s is None else duration_s
    frames = sum(math.ceil(duration * use.fps) for use in scenario.uses)
    if frames > MAX_FRAMES:
        raise SpecError(None, "duration_s", f"{duration:g} s at the scenario's rates is {frames:,} frames; "
                        f"a run takes at most {MAX_FRAMES:,}")
    if sim_config is not None and sim_config.warmup_s >= duration:
        raise SpecError(None, "warmup_s", (
            f"must be less than the simulated time ({duration:g} s), got {sim_config.warmup_s:g} s: "
            "no frame would be measured"))
    table = CostTable.build(get_cost_model(costs), system, scenario.models.values())
    if sim_config is None:
        trace = run_xrbench(scenario, table, seed=seed, duration_s=duration)
    else:
        trace = run_default(scenario, table, sim_config, seed=seed, duration_s=duration)
    measured = trace.measured()
    return RunResult(
        system=system, scenario=scenario, mode=mode, costs=costs, seed=seed,
        duration_s=duration, cost_table=table, trace=trace,
        score=xrbench_score(measured, scenario, k_per_ms=k_per_ms, e_max_j=e_max_j),
        stats=run_stats(measured), config=sim_config,
    )
