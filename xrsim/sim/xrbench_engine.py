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

Times are kept as numpy.float32 milliseconds here, as the reference keeps them, and
converted to seconds only when a record is written.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Generator
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
RETIRE_MARGIN_MS = f32(1e-2)  # the reference's FP_ERROR_MARGIN
REFERENCE_DURATION_S = 0.7
Rng = Literal["numpy", "reference"]


@dataclass(slots=True)
class _Request:
    model: str
    frame: int
    injection_ms: np.float32
    deadline_ms: np.float32


@dataclass(slots=True)
class _Process:
    request: _Request
    sub_index: int
    dispatch_ms: np.float32
    completion_ms: np.float32
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


def _to_s(value_ms: np.float32) -> float:
    return units.ms_to_s(float(value_ms))


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
        self.base_tick_ms = f32(units.xrbench_period_ms(max(u.fps for u in uses)))
        self.probability = [scenario.trigger_probability(n) for n in self.names]
        self.upstreams = {n: scenario.upstreams(n) for n in self.names}
        self.triggers: _Triggers = (_ReferenceTriggers(seed) if rng == "reference"
                                    else _NumpyTriggers(seed, len(uses)))
        # Whole-model latency in integer cycles at the reference's 1 GHz clock.
        self.cycles = {
            (n, i): units.s_to_xrbench_cycles(costs.latency_s(n, i))
            for n in self.names for i in range(len(self.subs))
        }
        self.queues: dict[str, deque[_Request]] = {n: deque() for n in sorted(self.names)}
        self.slot = [-1] * len(uses)
        self.completions = dict.fromkeys(self.names, -1)
        self.active: list[_Process | None] = [None] * len(self.subs)
        self.base_frame = 0
        self.trace = Trace(
            scenario=scenario.name, system=costs.system.name, models=tuple(self.names),
            sub_accelerators=tuple(s.name for s in self.subs),
        )

    # -- the four steps of an event, in the reference's order ---------------------------
    def _fetch(self, now: np.float32) -> None:
        for m, name in enumerate(self.names):
            self.triggers.event(m)
            due = self.interval_ms[m] * (self.slot[m] + 1)
            if due <= now and self.slot[m] != self.num_slots[m] - 1:
                deadline = f32(self.interval_ms[m] * (self.slot[m] + 2))
                self.slot[m] += 1
                if self.triggers.trigger(m, self.probability[m]):
                    self.queues[name].append(_Request(name, self.slot[m], now, deadline))

    def _retire(self, now: np.float32) -> None:
        for i, proc in enumerate(self.active):
            if proc is not None and f32(now + RETIRE_MARGIN_MS) >= proc.completion_ms:
                req = proc.request
                self.trace.records.append(InferenceRecord(
                    model=req.model, frame=req.frame, sub_accelerator=self.subs[i].name,
                    sub_index=i, release_s=_to_s(req.injection_ms),
                    dispatch_s=_to_s(proc.dispatch_ms), deadline_s=_to_s(req.deadline_ms),
                    completion_s=_to_s(proc.completion_ms), energy_j=proc.energy_j,
                ))
                self.completions[req.model] += 1
                self.active[i] = None

    def _drop(self, now: np.float32) -> None:
        changed = True
        while changed:
            changed = False
            for queue in self.queues.values():
                if queue and queue[0].deadline_ms < now:
                    req = queue.popleft()
                    self.trace.records.append(InferenceRecord(
                        model=req.model, frame=req.frame, sub_accelerator=None, sub_index=None,
                        release_s=_to_s(req.injection_ms), dispatch_s=_to_s(now),
                        deadline_s=_to_s(req.deadline_ms), completion_s=_to_s(now),
                        energy_j=0.0, dropped=True,
                    ))
                    changed = True

    def _dispatch(self, now: np.float32) -> None:
        changed = True
        while changed:
            changed = False
            for name, queue in self.queues.items():  # byte order of model name
                if not queue:
                    continue
                head = queue[0]
                # A count compared with a frame id: each dropped upstream frame makes the
                # dependant lag for good, as in the reference.
                ready = all(self.completions[u] >= head.frame for u in self.upstreams[name])
                idle = [i for i, p in enumerate(self.active) if p is None]
                if not (ready and idle):
                    continue
                best = min(idle, key=lambda i: (self.cycles[(name, i)], i))
                latency_ms = f32(self.cycles[(name, best)]) / f32(units.XRBENCH_CYCLES_PER_MS)
                self.active[best] = _Process(
                    request=head, sub_index=best, dispatch_ms=now,
                    completion_ms=f32(now + latency_ms),
                    energy_j=self.costs.energy_j(name, best),
                )
                queue.popleft()
                changed = True

    def _next_event(self) -> np.float32:
        tick = f32((self.base_frame + 1) * self.base_tick_ms)
        nxt = tick
        for proc in self.active:
            if proc is not None:
                nxt = min(nxt, proc.completion_ms)
        if nxt == tick:
            self.base_frame += 1
        return nxt

    def _has_remaining_slots(self) -> bool:
        return any(s < n - 1 for s, n in zip(self.slot, self.num_slots, strict=True))

    def _loop(self, env: simpy.Environment) -> Generator[simpy.Event, None, None]:
        now = f32(0.0)
        while self._has_remaining_slots():
            self._fetch(now)
            self._retire(now)
            self._drop(now)
            self._dispatch(now)
            self.trace.end_s = _to_s(now)  # the last event processed
            nxt = self._next_event()
            # SimPy keeps the event clock; the float32 value stays the reference's time.
            yield env.timeout(units.ms_to_s(float(nxt)) - env.now)
            now = nxt

    def run(self) -> Trace:
        env = simpy.Environment()
        env.process(self._loop(env))
        env.run()
        return self.trace


def run_xrbench(scenario: Scenario, costs: CostTable, *, seed: int = 0,
                duration_s: float = REFERENCE_DURATION_S, rng: Rng = "numpy") -> Trace:
    return XRBenchEngine(scenario, costs, seed=seed, duration_s=duration_s, rng=rng).run()
