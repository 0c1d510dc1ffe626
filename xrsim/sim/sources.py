"""Frame sources: when each model's frames are released and whether a cascaded frame is
triggered, all drawn before the run from the run's seed.

Drawing everything up front, one stream per model and purpose, makes the draws
independent of the schedule: two schedulers run with the same seed see the same jitter
and the same cascade triggers (common random numbers), and a run replays exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from xrsim.workload.scenario import Jitter, ModelUse, Scenario


@dataclass(frozen=True)
class FrameSource:
    """The frames of one model in a run. Frame f is nominally due at
    ``phase + f / fps``; ``release_s[f]`` adds its jitter; its absolute deadline is
    ``nominal + relative deadline``. ``triggered[f]`` is False when a cascade's trigger
    draw left the frame out (then it is not a frame at all)."""

    model: str
    index: int
    period_s: float
    release_s: np.ndarray
    deadline_s: np.ndarray
    triggered: np.ndarray
    upstreams: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.release_s)


def frame_count(use: ModelUse, duration_s: float) -> int:
    """Frames whose nominal release falls in [0, duration_s)."""
    if use.phase_s >= duration_s:
        return 0
    n = math.ceil((duration_s - use.phase_s) * use.fps)
    while n > 0 and use.phase_s + (n - 1) / use.fps >= duration_s:
        n -= 1
    return n


def draw_jitter(jitter: Jitter | None, n: int, rng: np.random.Generator) -> np.ndarray:
    """Per-frame release delays in [0, bound] (see docs/engine.md for each distribution).

    The distributions are truncated to [0, bound]: a draw outside it is drawn again.
    Clipping instead would pile every such draw on the bound (5 % of exponential draws).
    """
    if jitter is None or jitter.bound_s == 0.0:
        return np.zeros(n)
    bound = jitter.bound_s

    def draw(k: int) -> np.ndarray:
        if jitter.distribution == "uniform":
            return rng.uniform(0.0, bound, k)
        if jitter.distribution == "normal":
            return rng.normal(bound / 2, bound / 6, k)
        return rng.exponential(bound / 3, k)

    draws = draw(n)
    outside = np.flatnonzero((draws < 0.0) | (draws > bound))
    while outside.size:
        draws[outside] = draw(outside.size)
        outside = outside[(draws[outside] < 0.0) | (draws[outside] > bound)]
    return draws


def build_sources(scenario: Scenario, duration_s: float, seed: int) -> list[FrameSource]:
    """One source per model, in the scenario's file order. A dependant has as many frames
    as it and each of its upstreams have in common (its frame f waits for their frame f)."""
    uses = scenario.uses
    streams = np.random.SeedSequence(seed).spawn(2 * len(uses))
    own = {u.model: frame_count(u, duration_s) for u in uses}
    counts: dict[str, int] = {}

    def count(name: str) -> int:  # the cascades form a DAG (checked when the spec was built)
        if name not in counts:
            counts[name] = min([own[name], *(count(u) for u in scenario.upstreams(name))])
        return counts[name]

    sources = []
    for m, use in enumerate(uses):
        upstreams = tuple(scenario.upstreams(use.model))
        n = count(use.model)
        jitter_rng = np.random.default_rng(streams[2 * m])
        trigger_rng = np.random.default_rng(streams[2 * m + 1])
        nominal = use.phase_s + np.arange(n) / use.fps
        p = scenario.trigger_probability(use.model)
        sources.append(FrameSource(
            model=use.model, index=m, period_s=use.period_s,
            release_s=nominal + draw_jitter(use.jitter, n, jitter_rng),
            deadline_s=nominal + use.deadline_s,
            triggered=trigger_rng.random(n) < p,
            upstreams=upstreams,
        ))
    return sources
