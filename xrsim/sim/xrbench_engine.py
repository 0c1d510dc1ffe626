"""Mode ``xrbench``: the XRBench reference runtime's semantics, quirk for quirk.

What it copies (docs/xrbench.md; the reference's HET_runtime, HET_timer
and HET_load-generator): a clock in 32-bit float milliseconds; integer-ms periods
(1000 // FPS); events only at multiples of the base tick (1000 // max FPS) and at
completions; at most one frame slot per model per event, released NOW with its deadline
fixed to the grid; retire with a 0.01 ms margin; drop queue heads whose deadline passed;
dispatch passes over the per-model FIFOs in byte order of model name, with the
count-versus-frame-id dependency test, sending the whole model to the idle
sub-accelerator where it is fastest; stop right after the last slot is taken.

Trigger draws come from one of two streams (the run option ``rng``): ``numpy``, a seeded
numpy Generator per model, or ``reference``, the reference's own ``rand()`` after
``srand(seed)`` (``glibc_rand``), drawn exactly as it draws - one unused number per model
at every event, one more when the model takes a slot - so that a seed replays the run the
reference gives for it.

Times are float32 milliseconds, as the reference keeps them, held as Python floats (every
one is exactly a float32 value) and rounded to float32 (``_f32``) wherever the reference
stores the result of float arithmetic: a float32 operation on float32 values equals the
same operation in float64 rounded to float32 (53 >= 2 x 24 + 2 bits), so this is the
reference's arithmetic bit for bit without numpy scalars. The tick grid and the
latencies are computed once, in float32, before the run; times become seconds only in
the records, which stay tuples until the trace is handed out.
"""

from __future__ import annotations

import struct
from collections import deque
from dataclasses import dataclass
from typing import Literal

import numpy as np
import simpy
from pydantic import BaseModel, Field

from xrsim import units
from xrsim.cost.base import CostTable
from xrsim.errors import SpecError
from xrsim.sim.glibc_rand import RAND_MAX, GlibcRand
from xrsim.sim.trace import InferenceRecord, Trace
from xrsim.specio import SPEC_CONFIG
from xrsim.workload.scenario import Scenario

f32 = np.float32
_F32 = struct.Struct("f")
RETIRE_MARGIN_MS = float(f32(1e-2))  # the reference's FP_ERROR_MARGIN, as a float32
REFERENCE_DURATION_S = 0.7
Rng = Literal["numpy", "reference"]


def _f32(value: float) -> float:
    """``value`` rounded to the nearest float32 (the reference's float variables)."""
    return float(_F32.unpack(_F32.pack(value))[0])


@dataclass(slots=True)
class _Request:
    model: str
    frame: int
    injection_ms: float
    deadline_ms: float


@dataclass(slots=True)
class _Process:
    request: _Request
    dispatch_ms: float
    completion_ms: float
    energy_j: float


class XRBenchOptions(BaseModel):
    """The options of mode ``xrbench``: only where its random draws come from."""

    model_config = SPEC_CONFIG
    rng: Rng = Field(default="numpy", description=(
        "trigger draws of p < 1 cascades: numpy (a seeded stream per model) or reference (the "
        "reference's glibc rand() after srand(seed), drawn as it draws: seed for seed its runs)"))


class _NumpyTriggers:
    """One seeded numpy stream per model, drawn only when a slot is taken."""

    def __init__(self, seed: int, models: int) -> None:
        self.rngs = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(models)]

    def event(self, model: int) -> None:
        """No draw: numpy streams draw only for a trigger."""

    def trigger(self, model: int, probability: float) -> bool:
        return bool(probability > self.rngs[model].random())


class _ReferenceTriggers:
    """The reference's draws: at every event, for every model in the scenario's order, one
    rand() it never uses (its 'jitter'); for a model that takes a slot, one more,
    u = (float)rand() / (float)RAND_MAX, and the frame is created when (float)p > u."""

    def __init__(self, seed: int) -> None:
        self.stream = GlibcRand(seed)

    def event(self, model: int) -> None:
        self.stream.rand()

    def trigger(self, model: int, probability: float) -> bool:
        u = f32(self.stream.rand()) / f32(RAND_MAX)
        return bool(f32(probability) > u)


_Triggers = _NumpyTriggers | _ReferenceTriggers


def _to_s(value_ms: float) -> float:
    return units.ms_to_s(value_ms)


class XRBenchEngine:
    """One run of the reference runtime on a cost table."""

    def __init__(self, scenario: Scenario, costs: CostTable, seed: int,
                 duration_s: float = REFERENCE_DURATION_S, rng: Rng = "numpy") -> None:
        self.scenario = scenario
        self.costs = costs
        self.subs = costs.system.sub_accelerators
        uses = scenario.uses
        self.names = [u.model for u in uses]  # file order: slots are taken in this order
        for i, use in enumerate(uses):
            if use.fps != int(use.fps) or not 1 <= use.fps <= 1000:
                raise SpecError(scenario.path or scenario.name, f"models[{i}].fps",
                                "mode xrbench takes whole FPS from 1 to 1000 (the reference's "
                                f"integer-ms periods), got {use.fps:g}; use mode default")
        self.interval_ms = [units.xrbench_period_ms(u.fps) for u in uses]
        ms_to_run = f32(units.s_to_ms(duration_s))
        self.num_slots = [int(np.floor(ms_to_run / f32(t))) for t in self.interval_ms]
        base_tick_ms = f32(units.xrbench_period_ms(max(u.fps for u in uses)))
        # The base ticks (k + 1) x tick in float32, up to one past the last slot's time:
        # the run stops once that slot is taken, at the latest at the tick after it.
        last_due = max(t * (n - 1) for t, n in zip(self.interval_ms, self.num_slots, strict=True))
        count = int(last_due // float(base_tick_ms)) + 2
        self.ticks_ms: list[float] = (np.arange(1, count + 1, dtype=f32) * base_tick_ms).tolist()
        self.probability = [scenario.trigger_probability(n) for n in self.names]
        self.upstreams = {n: scenario.upstreams(n) for n in self.names}
        self.triggers: _Triggers = (_ReferenceTriggers(seed) if rng == "reference"
                                    else _NumpyTriggers(seed, len(uses)))
        self.draws_every_event = rng == "reference"  # numpy streams draw only for a slot
        subs = range(len(self.subs))
        # Whole-model latency in integer cycles at the reference's 1 GHz clock, then in
        # float32 ms; each model's sub-accelerators fastest first (ties: lowest index).
        cycles = {(n, i): units.s_to_xrbench_cycles(costs.latency_s(n, i)) for n in self.names for i in subs}
        self.latency_ms = {key: float(f32(c) / f32(units.XRBENCH_CYCLES_PER_MS)) for key, c in cycles.items()}
        self.energy_j = {(n, i): costs.energy_j(n, i) for n in self.names for i in subs}
        self.preference = {n: sorted(subs, key=lambda i: (cycles[(n, i)], i)) for n in self.names}
        self.queues: dict[str, deque[_Request]] = {n: deque() for n in sorted(self.names)}
        self.slot = [-1] * len(uses)
        self.models_left = sum(1 for s, n in zip(self.slot, self.num_slots, strict=True) if s < n - 1)
        self.next_fetch_ms = 0.0  # no model is due before this (the earliest next slot's time)
        self.completions = dict.fromkeys(self.names, -1)
        self.active: list[_Process | None] = [None] * len(self.subs)
        self.base_frame = 0
        self.now_ms = 0.0
        self.env = simpy.Environment()
        self.rows: list[tuple] = []  # InferenceRecord fields, in log order
        self.trace = Trace(
            scenario=scenario.name, system=costs.system.name, models=tuple(self.names),
            sub_accelerators=tuple(s.name for s in self.subs),
        )

    # -- the four steps of an event, in the reference's order ---------------------------
    def _fetch(self, now: float) -> None:
        """Take each due model's next slot. With numpy streams, an event before any model
        is due does nothing (the reference's streams draw at every event, so always run)."""
        if now < self.next_fetch_ms and not self.draws_every_event:
            return
        next_fetch = float("inf")
        for m, name in enumerate(self.names):
            self.triggers.event(m)
            due = self.interval_ms[m] * (self.slot[m] + 1)
            if due <= now and self.slot[m] != self.num_slots[m] - 1:
                deadline = _f32(self.interval_ms[m] * (self.slot[m] + 2))
                self.slot[m] += 1
                if self.slot[m] == self.num_slots[m] - 1:
                    self.models_left -= 1
                if self.triggers.trigger(m, self.probability[m]):
                    self.queues[name].append(_Request(name, self.slot[m], now, deadline))
            if self.slot[m] != self.num_slots[m] - 1:
                next_fetch = min(next_fetch, self.interval_ms[m] * (self.slot[m] + 1))
        self.next_fetch_ms = next_fetch

    def _retire(self, now: float) -> None:
        limit = _f32(now + RETIRE_MARGIN_MS)
        for i, proc in enumerate(self.active):
            if proc is not None and limit >= proc.completion_ms:
                req = proc.request
                self.rows.append((
                    req.model, req.frame, self.subs[i].name, i, _to_s(req.injection_ms),
                    _to_s(proc.dispatch_ms), _to_s(req.deadline_ms), _to_s(proc.completion_ms),
                    proc.energy_j,
                ))
                self.completions[req.model] += 1
                self.active[i] = None

    def _drop(self, now: float) -> None:
        changed = True
        while changed:
            changed = False
            for queue in self.queues.values():
                if queue and queue[0].deadline_ms < now:
                    req = queue.popleft()
                    self.rows.append((
                        req.model, req.frame, None, None, _to_s(req.injection_ms), _to_s(now),
                        _to_s(req.deadline_ms), _to_s(now), 0.0, True,
                    ))
                    changed = True

    def _dispatch(self, now: float) -> None:
        active = self.active
        changed = True
        while changed:
            changed = False
            for name, queue in self.queues.items():  # byte order of model name
                if not queue:
                    continue
                if None not in active:
                    return  # nothing can start until a sub-accelerator frees
                head = queue[0]
                # A count compared with a frame id: each dropped upstream frame makes the
                # dependant lag for good, as in the reference.
                if not all(self.completions[u] >= head.frame for u in self.upstreams[name]):
                    continue
                best = next(i for i in self.preference[name] if active[i] is None)
                active[best] = _Process(
                    request=head, dispatch_ms=now,
                    completion_ms=_f32(now + self.latency_ms[(name, best)]),
                    energy_j=self.energy_j[(name, best)],
                )
                queue.popleft()
                changed = True

    def _next_event(self) -> float:
        tick = self.ticks_ms[self.base_frame]
        nxt = tick
        for proc in self.active:
            if proc is not None and proc.completion_ms < nxt:
                nxt = proc.completion_ms
        if nxt == tick:
            self.base_frame += 1
        return nxt

    def _event(self, _event: simpy.Event | None = None) -> None:
        """One event of the reference's loop at ``now_ms``; it schedules the next one."""
        if not self.models_left:  # every slot taken: the reference stops here
            return
        now = self.now_ms
        self._fetch(now)
        self._retire(now)
        self._drop(now)
        self._dispatch(now)
        self.trace.end_s = _to_s(now)  # the last event processed
        nxt = self.now_ms = self._next_event()
        # SimPy keeps the event clock; the float32 value stays the reference's time.
        self.env.timeout(units.ms_to_s(nxt) - self.env.now).callbacks.append(self._event)

    def run(self) -> Trace:
        self._event()
        self.env.run()
        self.trace.records = [InferenceRecord(*row) for row in self.rows]
        return self.trace


def run_xrbench(scenario: Scenario, costs: CostTable, *, seed: int = 0,
                duration_s: float = REFERENCE_DURATION_S, rng: Rng = "numpy") -> Trace:
    return XRBenchEngine(scenario, costs, seed=seed, duration_s=duration_s, rng=rng).run()
