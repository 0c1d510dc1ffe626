"""The usual statistics of a run, per model and for the whole run; every one is defined,
with its formula, in docs/metrics.md. They read only a Trace (already cut to the
measurement window by ``Trace.measured``)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

from xrsim.sim.trace import InferenceRecord, Trace


@dataclass(frozen=True)
class GroupStats:
    """Statistics of a set of frames (one model's, or all of a run's). Times in s, energy
    in J, power in W; a figure that needs a completed frame is None when there is none."""

    frames: int
    completed: int
    dropped: int
    missed: int
    miss_rate: float
    drop_rate: float
    latency_p50_s: float | None
    latency_p90_s: float | None
    latency_p99_s: float | None
    latency_mean_s: float | None
    energy_per_frame_j: float | None
    energy_j: float
    average_power_w: float | None
    edp_j_s: float | None
    antt: float | None


@dataclass(frozen=True)
class RunStats:
    window_s: float
    run: GroupStats
    models: dict[str, GroupStats]
    utilisation: dict[str, float]
    fairness: float | None

    def to_dict(self) -> dict:
        return {
            "window_s": self.window_s, "run": asdict(self.run),
            "models": {m: asdict(s) for m, s in self.models.items()},
            "utilisation": self.utilisation, "fairness": self.fairness,
        }


def _percentiles(ordered: Sequence[float], percents: Sequence[int]) -> list[float]:
    """``np.percentile(values, percents)`` (linear method) of values sorted once, to the
    last bit: the same virtual index, neighbours and two-sided interpolation as numpy's
    ``_lerp``, without its per-call overhead and its first call's import of numpy.ma."""
    n = len(ordered)
    out = []
    for percent in percents:
        index = (n - 1) * (percent / 100)
        if index >= n - 1:
            out.append(ordered[-1])
            continue
        below = math.floor(index)
        gamma = index - below
        a, b = ordered[below], ordered[below + 1]
        out.append(b - (b - a) * (1 - gamma) if gamma >= 0.5 else a + (b - a) * gamma)
    return out


def group_stats(records: Sequence[InferenceRecord], window_s: float) -> GroupStats:
    done = [r for r in records if not r.dropped]
    frames, dropped = len(records), len(records) - len(done)
    missed = dropped + sum(1 for r in done if r.completion_s > r.deadline_s)
    energy = float(sum(r.energy_j for r in done))
    latency = np.array([r.latency_s for r in done])
    p50 = p90 = p99 = mean_latency = per_frame = edp = antt = None
    if done:
        p50, p90, p99 = _percentiles(sorted(latency.tolist()), (50, 90, 99))
        mean_latency = float(latency.mean())
        per_frame = energy / len(done)
        edp = per_frame * mean_latency
        ntt = [r.latency_s / r.isolated_s for r in done if r.isolated_s > 0]
        antt = float(np.mean(ntt)) if ntt else None
    return GroupStats(
        frames=frames, completed=len(done), dropped=dropped, missed=missed,
        miss_rate=missed / frames if frames else 0.0, drop_rate=dropped / frames if frames else 0.0,
        latency_p50_s=p50, latency_p90_s=p90, latency_p99_s=p99, latency_mean_s=mean_latency,
        energy_per_frame_j=per_frame, energy_j=energy,
        average_power_w=energy / window_s if window_s > 0 else None, edp_j_s=edp, antt=antt,
    )


def utilisation(trace: Trace, window_s: float) -> dict[str, float]:
    """Busy fraction of each sub-accelerator over the window."""
    busy = [0.0] * len(trace.sub_accelerators)
    for s in trace.execution_slices():
        busy[s.sub_index] += s.end_s - s.start_s
    return {name: (b / window_s if window_s > 0 else 0.0)
            for name, b in zip(trace.sub_accelerators, busy, strict=True)}


def run_stats(trace: Trace) -> RunStats:
    window = trace.end_s - trace.warmup_s
    models = {m: group_stats(trace.of_model(m), window) for m in trace.models}
    antts = [s.antt for s in models.values() if s.antt is not None]
    fairness = min(antts) / max(antts) if antts else None
    return RunStats(window_s=window, run=group_stats(trace.records, window), models=models,
                    utilisation=utilisation(trace, window), fairness=fairness)
