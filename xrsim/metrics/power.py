"""Power and energy of a run over its measurement window (docs/metrics.md, "Power"):
dynamic (on-chip) + DRAM + static = total, average and peak power, energy per frame,
performance per watt and per mm^2.

Static power is each sub-accelerator's leakage (``xrsim.hardware.physical``) over the whole
window, busy or idle; a power-gated one leaks only while powered, which is while it runs
(its wake-ups included: they are part of its execution slices). With DVFS operating
points, a running sub-accelerator leaks at the voltage of each slice's point and an idle,
powered one at its resting (selected) point's. Each completed frame's
energy is what the cost backend charged for its blocks; its DRAM part is the backend's
``dram_energy_j`` of the model on the sub-accelerator where it completed.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

from xrsim import units
from xrsim.cost.base import CostTable
from xrsim.hardware import HardwareSystem
from xrsim.hardware.physical import leakage_at_voltage_w, leakage_w, system_area
from xrsim.hardware.spec import SubAccelerator
from xrsim.sim.trace import ExecutionSlice, Trace

Frame = tuple[str, int]


@dataclass(frozen=True)
class SubPower:
    leakage_w: float
    powered_s: float
    busy_s: float
    static_j: float


@dataclass(frozen=True)
class ModelEnergy:
    completed: int
    dynamic_j: float
    dram_j: float
    static_j: float
    energy_j: float
    energy_per_frame_j: float | None


@dataclass(frozen=True)
class PowerStats:
    """Joules, watts, seconds and mm^2. ``dynamic_j`` is on-chip switching energy (the
    frames' charged energy less its DRAM part); energy_j = dynamic_j + dram_j + static_j."""

    window_s: float
    dynamic_j: float
    dram_j: float
    static_j: float
    energy_j: float
    power_avg_w: float | None
    power_peak_w: float
    energy_per_frame_j: float | None
    inferences_per_s: float | None
    inferences_per_s_per_w: float | None
    inferences_per_s_per_mm2: float | None
    area_mm2: float
    sub_accelerators: dict[str, SubPower]
    models: dict[str, ModelEnergy]
    static_share_j: dict[Frame, float]
    """Each measured completed frame's share of the static energy, by its busy time."""

    def to_dict(self) -> dict:
        out = asdict(self)
        del out["static_share_j"]
        return out


def _dram_j(table: CostTable, model: str, sub_index: int | None) -> float:
    if sub_index is None:
        return 0.0
    return table.get(model, sub_index).dram_energy_j or 0.0


def _resting_leak_w(sub: SubAccelerator, system: HardwareSystem) -> float:
    """Leakage at the point a sub-accelerator rests at (its selected one; without points:
    ``leakage_w`` itself)."""
    point = sub.selected_point
    if point is None:
        return leakage_w(sub, system)
    return leakage_at_voltage_w(sub, system, sub.points[point].voltage_v)


@functools.lru_cache(maxsize=256)
def _design(system: HardwareSystem) -> tuple[tuple[float, ...], float]:
    """Each sub-accelerator's leakage and the system's area in mm^2: functions of the
    frozen spec alone, worked out once per design rather than once per run (they were a
    third of a 0.7 s mode-xrbench run)."""
    return (tuple(_resting_leak_w(s, system) for s in system.sub_accelerators),
            units.m2_to_mm2(system_area(system).total_m2))


def power_stats(trace: Trace, table: CostTable) -> PowerStats:
    """The power figures of ``trace`` (the whole trace: its measured part is taken here)."""
    system = table.system
    measured = trace.measured()
    window = trace.end_s - trace.warmup_s
    subs = system.sub_accelerators
    leak, area_mm2 = _design(system)
    slices = measured.execution_slices()
    busy = [0.0] * len(subs)
    frame_busy: dict[Frame, float] = defaultdict(float)
    for s in slices:
        busy[s.sub_index] += s.end_s - s.start_s
        frame_busy[(s.model, s.frame)] += s.end_s - s.start_s
    powered = [busy[i] if sub.gated else max(window, 0.0) for i, sub in enumerate(subs)]
    if system.has_points:
        static = _dvfs_static_j(system, slices, busy, powered)
    else:
        static = [leak[i] * powered[i] for i in range(len(subs))]
    static_j = sum(static)

    done = measured.completed()
    dram = {(r.model, r.frame): _dram_j(table, r.model, r.sub_index) for r in done}
    charged = sum(r.energy_j for r in done)
    dram_j = sum(dram.values())
    total_busy = sum(frame_busy.values())
    share = {(r.model, r.frame): (static_j * frame_busy[(r.model, r.frame)] / total_busy if total_busy > 0
                                  else 0.0) for r in done}

    models = {}
    for m in trace.models:
        mine = [r for r in done if r.model == m]
        e = sum(r.energy_j for r in mine)
        d = sum(dram[(r.model, r.frame)] for r in mine)
        st = sum(share[(r.model, r.frame)] for r in mine)
        models[m] = ModelEnergy(completed=len(mine), dynamic_j=e - d, dram_j=d, static_j=st, energy_j=e + st,
                                energy_per_frame_j=(e + st) / len(mine) if mine else None)

    energy = charged + static_j
    avg = energy / window if window > 0 else None
    rate = len(done) / window if window > 0 else None
    return PowerStats(
        window_s=window, dynamic_j=charged - dram_j, dram_j=dram_j, static_j=static_j, energy_j=energy,
        power_avg_w=avg, power_peak_w=_peak_w(trace, slices, leak, [s.gated for s in subs],
                                              _slice_leak_w(system) if system.has_points else None),
        energy_per_frame_j=energy / len(done) if done else None,
        inferences_per_s=rate,
        inferences_per_s_per_w=rate / avg if rate is not None and avg else None,
        inferences_per_s_per_mm2=rate / area_mm2 if rate is not None and area_mm2 > 0 else None,
        area_mm2=area_mm2,
        sub_accelerators={s.name: SubPower(leakage_w=leak[i], powered_s=powered[i], busy_s=busy[i],
                                           static_j=static[i]) for i, s in enumerate(subs)},
        models=models, static_share_j=share,
    )


def _slice_leak_w(system: HardwareSystem) -> Callable[[ExecutionSlice], float]:
    """DVFS: the leakage of a sub-accelerator during an execution slice, at the voltage
    of the slice's operating point."""
    subs = system.sub_accelerators

    @functools.cache
    def at(sub: int, voltage_v: float | None) -> float:
        return leakage_at_voltage_w(subs[sub], system, voltage_v)

    return lambda s: at(s.sub_index, s.voltage_v)


def _dvfs_static_j(system: HardwareSystem, slices: list[ExecutionSlice], busy: list[float],
                   powered: list[float]) -> list[float]:
    """Static energy per sub-accelerator with DVFS: while it runs, the leakage at the
    voltage of each slice's operating point; while powered and idle, the leakage at its
    selected point (``operating_point``, default nominal: where it rests between jobs)."""
    subs = system.sub_accelerators
    leak_of = _slice_leak_w(system)
    static = [0.0] * len(subs)
    for s in slices:
        static[s.sub_index] += leak_of(s) * (s.end_s - s.start_s)
    for i, sub in enumerate(subs):
        idle = max(powered[i] - busy[i], 0.0)
        if idle > 0.0:
            point = sub.selected_point
            volts = None if point is None else sub.points[point].voltage_v
            static[i] += leakage_at_voltage_w(sub, system, volts) * idle
    return static


def _peak_w(trace: Trace, slices: list, leak: Sequence[float], gated: list[bool],
            slice_leak: Callable[[ExecutionSlice], float] | None = None) -> float:
    """The highest instantaneous power in the window: the leakage of every powered
    sub-accelerator plus, for each running frame, its charged energy spread evenly over
    its execution slices (of the whole run, so a frame that straddles the warm-up keeps
    its rate). With DVFS (``slice_leak``), a running sub-accelerator leaks at its slice's
    voltage instead of its resting one."""
    energy = {(r.model, r.frame): r.energy_j for r in trace.completed()}
    span: dict[Frame, float] = defaultdict(float)
    for s in trace.execution_slices():
        span[(s.model, s.frame)] += s.end_s - s.start_s
    base = sum(w for w, g in zip(leak, gated, strict=True) if not g)
    deltas: dict[float, float] = defaultdict(float)
    for s in slices:
        if s.end_s <= s.start_s:
            continue
        key = (s.model, s.frame)
        power = (energy.get(key, 0.0) / span[key] if span[key] > 0 else 0.0)
        if slice_leak is not None:
            power += slice_leak(s) - (0.0 if gated[s.sub_index] else leak[s.sub_index])
        else:
            power += leak[s.sub_index] if gated[s.sub_index] else 0.0
        deltas[s.start_s] += power
        deltas[s.end_s] -= power
    peak = level = base
    for t in sorted(deltas):
        level += deltas[t]
        peak = max(peak, level)
    return peak
