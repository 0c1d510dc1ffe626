"""What a sweep's worker process does: run a chunk of RunPoints and return flat rows.

Specs, resolved options and costs are kept per process and reused by every run that
needs them, so a worker pays for a design's costs once, not once per run. A run that
fails becomes a row with its one-line error; the chunk goes on.
"""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from xrsim.cost import CostMemo
from xrsim.errors import SpecError
from xrsim.hardware import HardwareSystem, load_hardware
from xrsim.hardware.overrides import apply_overrides
from xrsim.options import RunOptions, resolve_options
from xrsim.run import RunResult, simulate_resolved
from xrsim.sweep.plan import RunPoint, Sweep
from xrsim.workload import Scenario, load_scenario

_DESIGNS: dict[tuple[str, str], HardwareSystem] = {}
_SCENARIOS: dict[str, Scenario] = {}
_OPTIONS: dict[tuple[tuple[str, Any], ...], RunOptions] = {}
_COSTS = CostMemo()
PARENT_CHECK_S = 1.0


def _design(point: RunPoint) -> HardwareSystem:
    key = (point.design, point.overrides)
    if key not in _DESIGNS:
        _DESIGNS[key] = apply_overrides(load_hardware(point.design), json.loads(point.overrides))
    return _DESIGNS[key]


def _scenario(ref: str) -> Scenario:
    if ref not in _SCENARIOS:
        _SCENARIOS[ref] = load_scenario(ref)
    return _SCENARIOS[ref]


def _options(point: RunPoint) -> RunOptions:
    unseeded = tuple((k, v) for k, v in point.options if k != "seed")
    if unseeded not in _OPTIONS:
        _OPTIONS[unseeded] = resolve_options(dict(unseeded))
    return dataclasses.replace(_OPTIONS[unseeded], seed=dict(point.options)["seed"])


def metrics(result: RunResult) -> dict[str, Any]:
    """A run's figures as one flat row: the score, its parts and the statistics of ``run --json``."""
    score, stats = result.score, result.stats
    utilisation = stats.utilisation
    return {
        "score": score.score, "rt": score.rt, "en": score.en, "qoe": score.qoe,
        "total_pes": result.system.total_pes,
        **asdict(stats.run), "fairness": stats.fairness,
        "dynamic_energy_per_frame_j": stats.run.energy_per_frame_j,
        "energy_per_frame_j": result.power.energy_per_frame_j,
        "area_mm2": result.power.area_mm2, "power_avg_w": result.power.power_avg_w,
        "power_peak_w": result.power.power_peak_w, "static_energy_j": result.power.static_j,
        "dram_energy_j": result.power.dram_j,
        "inferences_per_s_per_w": result.power.inferences_per_s_per_w,
        "inferences_per_s_per_mm2": result.power.inferences_per_s_per_mm2,
        "utilisation_mean": sum(utilisation.values()) / len(utilisation) if utilisation else 0.0,
        "utilisation": utilisation,
        "model_scores": {name: m.score for name, m in score.models.items()},
        "busy_clock_mean_ghz": result.busy_clock_mean_ghz,
        **({"dvfs": result.dvfs()["sub_accelerators"]} if result.system.has_points else {}),
        "warnings": list(result.warnings),
    }


def run_point(point: RunPoint) -> dict[str, Any]:
    start = time.perf_counter()
    try:
        result = simulate_resolved(_design(point), _scenario(point.scenario), _options(point),
                                   cost_memo=_COSTS)
        outcome: dict[str, Any] = {"status": "ok", **metrics(result)}
    except SpecError as exc:
        outcome = {"status": "failed", "error": str(exc)}
    except Exception as exc:  # a bug in a run must not cost the sweep its other runs
        outcome = {"status": "failed", "error": " ".join(f"{type(exc).__name__}: {exc}".split())}
    outcome["wall_s"] = time.perf_counter() - start
    return {"key": point.key, **outcome}


def preload(sweep: Sweep) -> None:
    """Lend this process the specs that planning loaded: workers forked from it (and runs
    in it, serially) then load nothing."""
    _DESIGNS.update(sweep.systems)
    _SCENARIOS.update({e.ref: e.loaded for e in sweep.scenarios if isinstance(e.loaded, Scenario)})


_busy = False
_interrupted = False


def _on_interrupt(signum: int, frame: object) -> None:
    """Ctrl-C reaches every process of the terminal's group, and the sweep process answers
    it (its finished runs saved, the rest cancelled): a worker stops the chunk it runs, and
    every chunk already queued to it, without a traceback - one idle between a search's
    batches would otherwise print its own from the pool's queue."""
    global _interrupted
    _interrupted = True
    if _busy:
        raise KeyboardInterrupt


def start_worker(parent_pid: int) -> None:
    """A pool worker's initializer."""
    signal.signal(signal.SIGINT, _on_interrupt)
    watch_parent(parent_pid)


def watch_parent(parent_pid: int) -> None:
    """End this worker when the sweep process is gone (killed with SIGKILL, say), instead
    of lingering as an orphan."""

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(PARENT_CHECK_S)
        os._exit(1)

    threading.Thread(target=watch, name="xrsim-watch-parent", daemon=True).start()


def warm_up() -> None:
    """Nothing: sent first so that workers import xrsim while the sweep is being planned."""


def run_chunk(points: Sequence[RunPoint]) -> list[dict[str, Any]]:
    global _busy
    _busy = True
    try:
        if _interrupted:  # a chunk queued before Ctrl-C: its results would be thrown away
            raise KeyboardInterrupt
        return [run_point(p) for p in points]
    finally:
        _busy = False
