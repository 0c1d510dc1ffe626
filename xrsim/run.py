"""One functional entry point for the CLI, notebooks and sweeps: ``simulate``."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from xrsim.cost import COST_BACKENDS, CostMemo, CostTable, get_cost_model
from xrsim.cost.base import ignored_fields
from xrsim.cost.dvfs import check_backend, with_points
from xrsim.errors import SpecError
from xrsim.hardware import HardwareSystem, load_hardware
from xrsim.hardware.physical import system_area
from xrsim.metrics.power import PowerStats, power_stats
from xrsim.metrics.stats import RunStats, run_stats
from xrsim.metrics.xrbench_score import ScenarioScore, xrbench_score
from xrsim.options import RunOptions, resolve_options
from xrsim.sim.engines import get_engine
from xrsim.sim.trace import Trace
from xrsim.workload import Scenario, load_scenario

MAX_FRAMES = 10_000_000
"""Frames a run may release: beyond this it would exhaust memory before it ended."""
REALISTIC_MAX_FPS = 1000.0


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
    power: PowerStats
    config: BaseModel | None = None
    warnings: tuple[str, ...] = ()
    """What may make the score mislead: a model that released no frame, a window shorter
    than a model's period."""

    @cached_property
    def measured(self) -> Trace:
        """The trace's measured window (after the warm-up), cut once for every figure."""
        return self.trace.measured()

    @cached_property
    def stats(self) -> RunStats:
        """The run's statistics (docs/metrics.md), computed when first asked for: a search
        that reads only scores does not pay for them."""
        return run_stats(self.measured)

    def to_dict(self) -> dict:
        score = self.score.to_dict()
        area = system_area(self.system).to_dict()
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
            "technology_nm": self.system.technology_nm,
            "area_mm2": area["area_mm2"],
            "power_avg_w": self.power.power_avg_w,
            "power_peak_w": self.power.power_peak_w,
            "energy_per_frame_j": self.power.energy_per_frame_j,
            "area": area,
            "power": self.power.to_dict(),
            "warnings": list(self.warnings),
            **({"dvfs": self.dvfs()} if self.system.has_points else {}),
        }

    def dvfs(self) -> dict:
        """The DVFS governor and, per sub-accelerator with operating points, each point
        used in the measured window: inferences that completed at it (their last block's
        point) and busy time at it."""
        governor = getattr(self.config, "dvfs_governor", None)
        measured = self.measured
        out: dict[str, list[dict]] = {}
        for i, sub in enumerate(self.system.sub_accelerators):
            if not sub.points:
                continue
            used = []
            for p in sub.points:
                done = sum(1 for r in measured.completed()
                           if r.sub_index == i and r.clock_ghz == p.clock_ghz)
                busy = sum(s.end_s - s.start_s for s in measured.execution_slices()
                           if s.sub_index == i and s.clock_ghz == p.clock_ghz)
                if done or busy:
                    used.append({"clock_ghz": p.clock_ghz, "voltage_v": p.voltage_v,
                                 "inferences": done, "busy_s": busy})
            out[sub.name] = used
        return {"governor": governor, "sub_accelerators": out}

    @property
    def busy_clock_mean_ghz(self) -> float | None:
        """The sub-accelerators' clock averaged over the time they ran in the measured
        window (at each execution slice's DVFS point, else the nominal clock): a DVFS
        sweep's one-number summary of how fast its governor ran the hardware. None if
        nothing ran."""
        clocks = [sub.clock_ghz for sub in self.system.sub_accelerators]
        busy = weighted = 0.0
        for s in self.measured.execution_slices():
            busy += s.end_s - s.start_s
            clock = s.clock_ghz if s.clock_ghz is not None else clocks[s.sub_index]
            weighted += (s.end_s - s.start_s) * clock
        return weighted / busy if busy > 0.0 else None


def simulate(system: HardwareSystem | str | Path, scenario: Scenario | str | Path, *,
             cost_memo: CostMemo | None = None, **options: Any) -> RunResult:
    """Simulate ``scenario`` on ``system`` and score it.

    ``options`` are the run options of ``xrsim.options.OPTIONS`` (``python -m xrsim list``
    names them): ``mode`` (``default``, the engine of docs/engine.md, or ``xrbench``, the
    reference runtime), ``costs``, ``seed``, ``duration_s``, the score's ``k_per_ms`` and
    ``e_max_j``, and the engine's own (``scheduler``, ``granularity``, ... or a ``config``
    file or SimConfig beneath them). ``cost_memo`` lends costs computed by earlier runs.

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
    return simulate_resolved(system, scenario, resolve_options(options), cost_memo=cost_memo)


def check_overrides(paths: list[str], options: RunOptions, source: str | Path | None = None) -> None:
    """Refuse a hardware override that could only be ignored: on a backend of measured
    costs, a field its table is not keyed by changes nothing, unless layer blocks let it
    shape how a model's cost splits over its layers."""
    granularity = getattr(options.engine_options, "granularity", "model")
    if options.mode != "xrbench" and granularity != "model" and options.costs == "calibrated":
        return
    ignored = ignored_fields(options.costs, paths)
    if ignored:
        keyed = ", ".join(sorted(COST_BACKENDS.get(options.costs).totals_from or ()))
        raise SpecError(source, f"set.{ignored[0]}", (
            f"changes nothing with costs '{options.costs}', whose costs depend only on {keyed}; "
            "use costs 'analytical'"))


def simulate_resolved(system: HardwareSystem, scenario: Scenario, options: RunOptions, *,
                      cost_memo: CostMemo | None = None) -> RunResult:
    """``simulate`` for options already resolved (a sweep resolves each set once)."""
    engine = get_engine(options.mode)
    duration = options.duration_s
    _check_frames(scenario, duration)
    engine.check(scenario, options.engine_options, duration)
    backend = get_cost_model(options.costs)
    if options.mode == "default":
        check_backend(backend, system)  # before costing: a table's missing row is not the obstacle
    table = CostTable.build(backend, system, scenario.models.values(), memo=cost_memo)
    if options.mode == "default":
        table = with_points(backend, table, scenario.models.values(), cost_memo)  # DVFS: costs at each point
    trace = engine.run(scenario, table, options.engine_options, seed=options.seed, duration_s=duration)
    measured = trace.measured()
    power = power_stats(trace, table)
    extra = power.static_share_j if options.score_static else None
    return RunResult(
        system=system, scenario=scenario, mode=options.mode, costs=options.costs, seed=options.seed,
        duration_s=duration, cost_table=table, trace=trace,
        score=xrbench_score(measured, scenario, k_per_ms=options.k_per_ms, e_max_j=options.e_max_j,
                            extra_energy_j=extra),
        power=power, config=options.engine_options,
        warnings=_warnings(scenario, measured, duration) + _idle_governor(system, options.engine_options),
    )


def _idle_governor(system: HardwareSystem, config: BaseModel | None) -> tuple[str, ...]:
    """A governor other than ``fixed`` on a design that lists no operating points does
    nothing: say so, rather than let the run look like a DVFS result."""
    governor = getattr(config, "dvfs_governor", "fixed")
    if governor == "fixed" or system.has_points:
        return ()
    return (f"dvfs_governor {governor} has no effect: no sub-accelerator of {system.name} lists "
            "operating_points",)


def _check_frames(scenario: Scenario, duration_s: float) -> None:
    """Refuse a run that would release more frames than memory holds, naming the field
    at fault: the duration if even camera rates (1 kHz a model) would overflow in it, else
    the model whose rate makes most of the frames."""
    frames = [math.ceil(duration_s * use.fps) for use in scenario.uses]
    if sum(frames) <= MAX_FRAMES:
        return
    i = max(range(len(frames)), key=frames.__getitem__)
    use = scenario.uses[i]
    message = (f"{duration_s:g} s at the scenario's rates is {sum(frames):,} frames, a run takes at most "
               f"{MAX_FRAMES:,}")
    if duration_s * REALISTIC_MAX_FPS * len(frames) <= MAX_FRAMES:
        raise SpecError(scenario.path or scenario.name, f"models[{i}].fps",
                        f"{use.fps:g} FPS of {use.model}: {message}")
    raise SpecError(None, "duration_s", f"{message}; shorten the run")


def _warnings(scenario: Scenario, measured: Trace, duration_s: float) -> tuple[str, ...]:
    """A model with no measured frame scores 0 and halves a two-model scenario's score;
    say so rather than let the number speak alone."""
    found = []
    window = duration_s - measured.warmup_s
    released = {record.model for record in measured.records}
    for use in scenario.uses:
        if window < use.period_s:
            found.append(f"the measured window ({window:g} s) is shorter than one period of "
                         f"{use.model} ({use.period_s:g} s at {use.fps:g} FPS)")
        if use.model not in released:
            found.append(f"{use.model} released no frame in the measured window "
                         f"(phase_ms {use.phase_ms:g}); it scores 0")
    return tuple(found)
