"""Mode ``default``: the SimPy engine with exact releases, pluggable schedulers and
placements, layer blocks, preemption, drop policies and shared DRAM (docs/engine.md).

The engine works at block granularity (a whole model is one block). The events of an
instant - releases, block ends, drops - only change state (a frame joins the queue, a
sub-accelerator becomes free); one settle step after all of them dispatches and
recomputes the DRAM shares, so that the outcome does not depend on the order in which
SimPy runs events of the same time. Costs come from a BlockTable built once before the
run, and all random draws (jitter, cascade triggers) are made up front from the run's seed.

How much work an event does (issue 11): the run loop steps SimPy itself and settles an
instant when its flag is set and SimPy's next event is later, so a settle step is no
event; each source keeps one release on SimPy's queue, the next one chained from it; a
frame's deadline goes on the queue only if the frame still waits when SimPy gets there.
The chained releases and the deadlines carry the SimPy event ids they had when every
release was scheduled up front and every frame armed its deadline at release, so that
events of one time still run in the same order and the traces are the same, bit for bit
(tests/sim/test_golden_traces.py). Records are plain tuples until the run hands its trace out.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import simpy
from simpy.events import NORMAL

from xrsim.cost.base import CostTable
from xrsim.errors import SpecError
from xrsim.hardware.spec import HardwareSystem
from xrsim.sim.block_costs import BlockCosts, BlockTable
from xrsim.sim.config import SimConfig
from xrsim.sim.contention import fair_rates
from xrsim.sim.governors import GOVERNORS, make_governor
from xrsim.sim.job import Job
from xrsim.sim.placement import make_placement
from xrsim.sim.queue import WaitQueue
from xrsim.sim.schedulers import make_scheduler
from xrsim.sim.sources import FrameSource, build_sources
from xrsim.sim.trace import BlockRecord, ExecutionSlice, InferenceRecord, Trace
from xrsim.workload.scenario import Scenario

DONE, DROPPED, SKIPPED = "done", "dropped", "skipped"

WORK_RTOL = 1e-9
"""A block whose stand-alone work left is at most this fraction of its whole work is
finished: float rounding when work is consumed at changing rates leaves such crumbs, and
a crumb must neither hold a DRAM share nor turn into a negative delay."""


def _push(env: simpy.Environment, time: float, eid: int, callback: Callable[[simpy.Event], None]) -> None:
    """Put on SimPy's queue an event due at ``time`` with the event id ``eid`` reserved
    for it earlier (built the way SimPy's own Timeout is: already triggered, ok)."""
    event = simpy.Event(env)
    event._ok = True
    event._value = None
    event.callbacks.append(callback)
    heapq.heappush(env._queue, (time, NORMAL, eid, event))


@dataclass(slots=True, eq=False)
class _Segment:
    """A block running on a sub-accelerator. ``work_s`` is the stand-alone time still to
    run, consumed at ``rate`` (< 1 while DRAM is contended) since ``since``."""

    job: Job
    sub: int
    block: int
    latency_s: float
    overhead_s: float
    demand: float
    start_s: float
    work_s: float
    since: float
    rate: float = 0.0
    token: int = 0

    @property
    def done(self) -> bool:
        return self.work_s <= WORK_RTOL * (self.latency_s + self.overhead_s)


@dataclass(slots=True)
class _Pending:
    """A dependant's frame waiting for its upstream frames to be resolved."""

    upstreams_left: int
    outcomes: set[str] = field(default_factory=set)


class DefaultEngine:
    """One default-mode run of a scenario on a cost table."""

    def __init__(self, scenario: Scenario, costs: CostTable, config: SimConfig, *,
                 seed: int, duration_s: float) -> None:
        system = costs.system
        self.config = config
        self.blocks = BlockTable.build(costs, scenario, config.granularity_spec.layers_per_block,
                                       self._plan_points(system, config))
        self.costs_of: Callable[[str, int], BlockCosts] = self.blocks.get
        """The costs of the block a sub-accelerator starts or finishes (DVFS: at its point)."""
        self.scheduler = make_scheduler(config.scheduler, scenario, self.blocks)
        sub_names = [s.name for s in system.sub_accelerators]
        self.placement = make_placement(config.placement, self.blocks, config.affinity, sub_names,
                                        [u.model for u in scenario.uses])
        shared = system.dram.shared if config.shared_dram is None else config.shared_dram
        self.bandwidth = system.dram.bytes_per_s if shared else None
        if self.bandwidth is not None:
            missing = sorted({m for (m, _), b in self.blocks.costs.items() if b.dram_bytes is None})
            if missing:
                raise SpecError(None, "shared_dram", (
                    "shared DRAM needs each model's DRAM traffic, but the cost backend gives "
                    f"none for {', '.join(missing)}; use a backend that reports dram_bytes"))
        self.duration_s = duration_s
        self.sources = build_sources(scenario, duration_s, seed)
        self.deadlines_s = [src.deadline_s.tolist() for src in self.sources]  # floats, not numpy scalars
        self.dependants: dict[str, list[FrameSource]] = {s.model: [] for s in self.sources}
        for src in self.sources:
            for up in src.upstreams:
                self.dependants[up].append(src)
        self.env = simpy.Environment()
        self.waiting = WaitQueue(self.scheduler)
        self.running: list[_Segment | None] = [None] * len(sub_names)
        # Per sub-accelerator, how many waiting frames can resume only there (started,
        # no migration): placements' ties avoid taking it from them.
        self.pinned = [0] * len(sub_names)
        self.at_boundary: list[Job] = []  # frames that reached a block boundary this instant
        self.settle_due = False  # a settle step is owed once this instant's events have run
        self.open_slice: list[tuple[Job, float] | None] = [None] * len(sub_names)
        # Power gating: a gated sub-accelerator is off while idle (from the start), and the
        # block that starts on it while it is off first waits its wake-up time.
        self.gated = [s.gated for s in system.sub_accelerators]
        self.gated_subs = [i for i, gated in enumerate(self.gated) if gated]  # the settle step's to check
        self.wake_up_s = [s.wake_up_s for s in system.sub_accelerators]
        self.asleep = list(self.gated)
        self.pending: dict[tuple[str, int], _Pending] = {}
        self.seq = 0
        self.last_s = 0.0
        self.deadlines: list[tuple[float, int, Job]] = []
        """(time, reserved event id, frame): each waiting frame's deadline, put on SimPy's
        queue only if the frame still waits when SimPy's clock gets there."""
        # The trace's rows as plain tuples (field order of InferenceRecord, ExecutionSlice,
        # BlockRecord), made into frozen records when the run hands the trace out.
        self.record_rows: list[tuple] = []
        self.slice_rows: list[tuple] = []  # DVFS adds the point to each
        self.block_rows: list[tuple] = []
        self.trace = Trace(
            scenario=scenario.name, system=system.name, models=tuple(u.model for u in scenario.uses),
            sub_accelerators=tuple(sub_names), warmup_s=config.warmup_s, slices_recorded=True,
        )

    @classmethod
    def _plan_points(cls, system: HardwareSystem, config: SimConfig) -> Sequence[int | None]:
        """Per sub-accelerator, the DVFS point whose costs the run plans with (DvfsEngine);
        none here: the cost table's own."""
        return ()

    # -- frames in ---------------------------------------------------------------------
    def _release(self, src: FrameSource, frame: int) -> None:
        now = self.env.now
        deadline = self.deadlines_s[src.index][frame]
        job = Job(src.model, src.index, frame, now, deadline, src.period_s, self.seq)
        self.seq += 1
        if self.config.drop_policy == "deadline":
            if job.deadline_s <= now:
                self._log_drop(job.model, job.frame, job.release_s, job.deadline_s)
                return
            # Its timer's time and event id, as env.timeout(deadline - now) would set them.
            heapq.heappush(self.deadlines, (now + (job.deadline_s - now), next(self.env._eid), job))
        self.waiting.push(job, now)
        self.settle_due = True

    def _chain_releases(self, src: FrameSource, times: list[float], order: list[int], eid: int,
                        k: int) -> None:
        """Put the source's k-th release (in release order) on SimPy's queue; when it
        runs, it puts the next one. ``eid + frame`` is the event id the release had when
        all of them were scheduled up front, so ties with other events break as before."""
        if k == len(order):
            return
        frame = order[k]

        def release(_event: simpy.Event) -> None:
            self._chain_releases(src, times, order, eid, k + 1)
            self._release(src, frame)

        _push(self.env, times[frame], eid + frame, release)

    def _arm_deadlines(self, until: float) -> None:
        """Put on SimPy's queue the deadline, due by ``until``, of each frame that still
        waits unstarted: nothing can start it before then (dispatch happens in the settle
        step, after every event of an instant), and any other frame needs no timer."""
        deadlines = self.deadlines
        while deadlines and deadlines[0][0] <= until:
            time, eid, job = heapq.heappop(deadlines)
            if not job.started and job in self.waiting:
                _push(self.env, time, eid, lambda _event, job=job: self._deadline_passed(job))  # type: ignore[misc]

    def _deadline_passed(self, job: Job) -> None:
        if not job.started and job in self.waiting:
            self._drop(job)

    def _resolve(self, model: str, frame: int, outcome: str) -> None:
        """Frame ``frame`` of ``model`` completed, was dropped or never existed: tell its
        dependants, which are released, dropped or skipped once all their upstreams are."""
        for src in self.dependants[model]:
            if frame >= len(src):
                continue
            state = self.pending.setdefault((src.model, frame), _Pending(len(src.upstreams)))
            state.upstreams_left -= 1
            state.outcomes.add(outcome)
            if state.upstreams_left:
                continue
            del self.pending[(src.model, frame)]
            if SKIPPED in state.outcomes or not src.triggered[frame]:
                self._resolve(src.model, frame, SKIPPED)
            elif DROPPED in state.outcomes:
                self._log_drop(src.model, frame, self.env.now, float(src.deadline_s[frame]))
            else:
                delay = float(src.release_s[frame]) - self.env.now
                if delay > 0.0:
                    self._at(delay, src, frame)
                else:
                    self._release(src, frame)

    def _at(self, delay: float, src: FrameSource, frame: int) -> None:
        event = self.env.timeout(delay)
        event.callbacks.append(lambda _event: self._release(src, frame))

    # -- frames out --------------------------------------------------------------------
    def _log_drop(self, model: str, frame: int, release_s: float, deadline_s: float) -> None:
        now = self.env.now
        self.record_rows.append((model, frame, None, None, release_s, now, deadline_s, now, 0.0, True,
                                 0, None, 0.0, 0.0, 0, 0))
        self.last_s = max(self.last_s, now)
        self._resolve(model, frame, DROPPED)

    def _drop(self, job: Job) -> None:
        self.waiting.remove(job)
        self._log_drop(job.model, job.frame, job.release_s, job.deadline_s)

    def _complete(self, job: Job, sub: int) -> None:
        now = self.env.now
        self._close_slice(sub, now)
        assert job.dispatch_s is not None
        self.record_rows.append((
            job.model, job.frame, self.trace.sub_accelerators[sub], sub, job.release_s, job.dispatch_s,
            job.deadline_s, now, job.energy_j, False, job.preemptions, job.service_s, job.stall_s,
            job.suspended_s, job.migrations, job.wake_ups,
        ))
        self.last_s = max(self.last_s, now)
        self._resolve(job.model, job.frame, DONE)

    def _close_slice(self, sub: int, now: float) -> None:
        opened = self.open_slice[sub]
        if opened is not None:
            job, start = opened
            self.slice_rows.append((sub, job.model, job.frame, start, now))
            self.open_slice[sub] = None

    # -- the settle step -----------------------------------------------------------------
    def _settle(self) -> None:
        """Dispatch and share DRAM once the instant's events have all run (``run`` calls it
        when ``settle_due`` is set and SimPy's next event is later). Requests for another
        step made meanwhile are served by this one (``settle_due`` stays set)."""
        if self.bandwidth is not None:
            self._advance()
        self._dispatch()
        for i in self.gated_subs:
            if self.running[i] is None:
                self.asleep[i] = True
        for job in self.at_boundary:
            if job in self.waiting:
                job.preemptions += 1
        self.at_boundary.clear()
        if self.bandwidth is not None:
            self._reshare()
        self.settle_due = False

    # -- dispatch ----------------------------------------------------------------------
    def _dispatch(self) -> None:
        while self.waiting:
            idle = [i for i, seg in enumerate(self.running) if seg is None]
            if not idle or not self._dispatch_one(idle):
                return

    def _offer(self, job: Job, idle: list[int]) -> list[int]:
        """The idle sub-accelerators in the order that breaks a placement's ties: where
        the frame already is (no migration cost), then those no waiting frame is pinned
        to, then the rest, each by index."""
        if len(idle) == 1 or (job.sub_index is None and (not any(self.pinned)
                                                         or not any(self.pinned[i] for i in idle))):
            return idle  # already in that order
        return sorted(idle, key=lambda i: (i != job.sub_index, self.pinned[i] > 0, i))

    def _dispatch_one(self, idle: list[int]) -> bool:
        """Start (or drop) the first waiting frame, in the scheduler's order, that can go
        somewhere; False when none can."""
        now = self.env.now
        policy = self.config.drop_policy
        for job in self.waiting.in_order(now):
            # Each branch that acts returns at once: the queue must not change under in_order.
            if not job.started and policy == "deadline" and job.deadline_s <= now:
                self._drop(job)
                return True
            sub: int | None
            if job.started:
                sub = self._resume_on(job, idle)
            else:
                sub = self.placement.choose(job, self._offer(job, idle))
            if sub is None:
                continue
            if (not job.started and policy == "predicted_miss"
                    and now + self.blocks.remaining_s(job, sub) > job.deadline_s):
                self._drop(job)
                return True
            self._start(job, sub)
            return True
        return False

    def _resume_on(self, job: Job, idle: list[int]) -> int | None:
        """Where a started frame goes on: where it started, or - with migration - the idle
        sub-accelerator where it finishes soonest, the migration cost included, when that
        beats waiting for its own to free (the end of the block running there)."""
        home = job.sub_index
        assert home is not None
        if self.config.migration:
            stay_s = self._busy_left_s(home) + self.blocks.remaining_s(job, home)
            moves = [(self.config.migration_cost_s + self.blocks.remaining_s(job, i), i)
                     for i in idle if i != home]
            best = min(moves, default=None)
            if best is not None and best[0] < stay_s:
                return best[1]
        return home if home in idle else None

    def _busy_left_s(self, sub: int) -> float:
        """Time until the block running on ``sub`` ends at its current DRAM share."""
        seg = self.running[sub]
        if seg is None:
            return 0.0
        if seg.rate <= 0.0:
            return float("inf")
        return max(0.0, seg.work_s - seg.rate * (self.env.now - seg.since)) / seg.rate

    def _start(self, job: Job, sub: int) -> None:
        now = self.env.now
        self.waiting.remove(job)
        overhead = 0.0
        if not job.started:
            job.dispatch_s = now
        else:
            assert job.suspended_at is not None and job.sub_index is not None
            if not self.config.migration:
                self.pinned[job.sub_index] -= 1
            job.suspended_s += now - job.suspended_at
            job.suspended_at = None
            if job.sub_index != sub:
                job.migrations += 1
                overhead = self.config.migration_cost_s
                opened = self.open_slice[job.sub_index]
                if opened is not None and opened[0] is job:
                    self._close_slice(job.sub_index, now)
        job.sub_index = sub
        self.scheduler.dispatched(job)
        self._run_block(job, sub, overhead)

    # -- execution ---------------------------------------------------------------------
    def _run_block(self, job: Job, sub: int, overhead_s: float = 0.0) -> None:
        now = self.env.now
        opened = self.open_slice[sub]
        if opened is None or opened[0] is not job:
            self._close_slice(sub, now)
            self.open_slice[sub] = (job, now)
        if self.asleep[sub]:
            overhead_s += self.wake_up_s[sub]
            self.asleep[sub] = False
            job.wake_ups += 1
        costs = self.costs_of(job.model, sub)
        b = job.next_block
        latency = costs.latency_s[b]
        demand = 0.0
        if self.bandwidth is not None and costs.dram_bytes is not None and latency > 0.0:
            demand = min(costs.dram_bytes[b] / latency, self.bandwidth)
        seg = _Segment(job, sub, b, latency, overhead_s, demand, now, latency + overhead_s, now)
        self.running[sub] = seg
        if self.bandwidth is None:
            seg.rate = 1.0
            self._schedule_end(seg)
        else:
            self.settle_due = True  # its rate (and so its end) comes with the new shares

    def _schedule_end(self, seg: _Segment) -> None:
        seg.token += 1
        token = seg.token
        env = self.env  # as env.timeout(delay) would schedule it, without building a Timeout
        _push(env, env.now + max(seg.work_s, 0.0) / seg.rate, next(env._eid),
              lambda _event: self._block_end(seg, token))

    def _advance(self) -> None:
        """Bring every running block's work left up to now, and finish those with none
        left (whose end event, due now up to rounding, has not run yet)."""
        now = self.env.now
        for seg in [s for s in self.running if s is not None]:
            seg.work_s -= seg.rate * (now - seg.since)
            seg.since = now
            if seg.done:
                self._finish(seg)

    def _reshare(self) -> None:
        """Share the DRAM channel among the running blocks (their work is up to date:
        ``_advance`` ran this instant); reschedule the end of each block whose rate
        changed."""
        assert self.bandwidth is not None
        segs = [s for s in self.running if s is not None]
        rates = fair_rates([s.demand for s in segs], self.bandwidth)
        for seg, rate in zip(segs, rates, strict=True):
            if rate != seg.rate:
                seg.rate = rate
                self._schedule_end(seg)

    def _block_end(self, seg: _Segment, token: int) -> None:
        if token == seg.token and self.running[seg.sub] is seg:  # else superseded or finished
            self._finish(seg)

    def _finish(self, seg: _Segment) -> None:
        """A block is done: account for it, then complete the frame, let it wait at the
        block boundary (preemptive) or start its next block."""
        now = self.env.now
        job, sub = seg.job, seg.sub
        costs = self.costs_of(job.model, sub)
        job.energy_j += costs.energy_j[seg.block]
        job.service_s += seg.latency_s
        if self.bandwidth is not None:
            job.stall_s += max(0.0, now - seg.start_s - seg.latency_s - seg.overhead_s)
        if self.config.record_blocks:
            self.block_rows.append((job.model, job.frame, seg.block, costs.layers[seg.block], sub,
                                    seg.start_s, now, costs.energy_j[seg.block]))
        job.next_block += 1
        seg.token += 1  # its end event, if still due, is void
        self.running[sub] = None
        if job.next_block == len(costs):
            self._complete(job, sub)
            self.settle_due = True
        elif self.config.preemptive:
            # A block boundary: the frame rejoins the queue and the settle step decides
            # whether it goes on or a waiting frame with a smaller key takes its place.
            job.suspended_at = now
            self.waiting.push(job, now)
            if not self.config.migration:
                self.pinned[sub] += 1
            self.at_boundary.append(job)
            self.settle_due = True
        else:
            self._run_block(job, sub)

    # -- the run -----------------------------------------------------------------------
    def run(self) -> Trace:
        env = self.env
        # Event ids 0.. go to the releases of the sources without upstreams, source by
        # source, frame by frame: the order in which scheduling them all up front gave them.
        eid = 0
        for src in self.sources:
            if src.upstreams:
                continue
            order = np.argsort(src.release_s, kind="stable").tolist()  # SimPy's (time, id) order
            self._chain_releases(src, src.release_s.tolist(), order, eid, 0)
            eid += len(src)
        env._eid = itertools.count(eid)
        queue, deadlines = env._queue, self.deadlines
        while True:
            head = queue[0][0] if queue else float("inf")  # the time of SimPy's next event
            if self.settle_due and head > env.now:
                self._settle()
                continue
            if deadlines and deadlines[0][0] <= head:
                self._arm_deadlines(head)
            if not queue:
                break
            env.step()
        trace = self.trace
        trace.records = [InferenceRecord(*row) for row in self.record_rows]
        trace.slices = [ExecutionSlice(*row) for row in self.slice_rows]
        trace.blocks = [BlockRecord(*row) for row in self.block_rows]
        # The span the run covers: the simulated time, or longer if late work ran past it.
        trace.end_s = max(self.duration_s, self.last_s)
        return trace


class DvfsEngine(DefaultEngine):
    """The default engine on a system whose sub-accelerators list DVFS operating points
    (docs/engine.md, "DVFS"): the governor picks each block's point as the block starts;
    the block's costs, its record, the execution slice (cut where the point changes) and
    the inference record carry it. A subclass, so that runs without points take the
    default engine's path untouched; it adds to each row the default engine logs, right
    after that row is logged."""

    def __init__(self, scenario: Scenario, costs: CostTable, config: SimConfig, *,
                 seed: int, duration_s: float) -> None:
        super().__init__(scenario, costs, config, seed=seed, duration_s=duration_s)
        subs = costs.system.sub_accelerators
        self.governor = make_governor(config.dvfs_governor, self.blocks, subs)
        self.point_values: list[list[tuple[float, float]]] = [
            [(p.clock_ghz, p.voltage_v) for p in s.points] for s in subs]
        self.sub_point: list[int | None] = [None] * len(subs)
        """The point of the block running (or last run) on each sub-accelerator."""
        self.slice_point: list[int | None] = [None] * len(subs)
        """The point of each sub-accelerator's open execution slice."""
        self.costs_of = self._costs_at_point

    @classmethod
    def _plan_points(cls, system: HardwareSystem, config: SimConfig) -> Sequence[int | None]:
        governor = GOVERNORS.get(config.dvfs_governor)
        return [governor.plan_point(s) if s.points else None for s in system.sub_accelerators]

    def _costs_at_point(self, model: str, sub: int) -> BlockCosts:
        return self.blocks.at(model, sub, self.sub_point[sub])

    def _point(self, sub: int, point: int | None) -> tuple[float | None, float | None]:
        """(clock_ghz, voltage_v) of ``point`` on ``sub``; (None, None) without points."""
        return (None, None) if point is None else self.point_values[sub][point]

    def _run_block(self, job: Job, sub: int, overhead_s: float = 0.0) -> None:
        point = None
        if self.point_values[sub]:
            # The wake-up the default engine is about to add, known before it starts.
            wake_s = self.wake_up_s[sub] if self.asleep[sub] else 0.0
            point = self.governor.choose(job, sub, self.env.now, overhead_s + wake_s)
        self.sub_point[sub] = point
        opened = self.open_slice[sub]
        if opened is not None and opened[0] is job and self.slice_point[sub] != point:
            self._close_slice(sub, self.env.now)  # a slice runs at one operating point
        super()._run_block(job, sub, overhead_s)
        self.slice_point[sub] = point  # of the slice open now: this block's

    def _close_slice(self, sub: int, now: float) -> None:
        if self.open_slice[sub] is not None:
            i = len(self.slice_rows)
            super()._close_slice(sub, now)
            self.slice_rows[i] += self._point(sub, self.slice_point[sub])

    def _complete(self, job: Job, sub: int) -> None:
        # Its record is the first row it logs (resolving dependants may log drops after
        # it); its last block ran on ``sub``, at the point ``sub`` is still at.
        i = len(self.record_rows)
        super()._complete(job, sub)
        self.record_rows[i] += self._point(sub, self.sub_point[sub])

    def _finish(self, seg: _Segment) -> None:
        point = self.sub_point[seg.sub]  # before the frame's next block may change it
        i = len(self.block_rows)
        super()._finish(seg)
        if self.config.record_blocks:
            self.block_rows[i] += self._point(seg.sub, point)


def run_default(scenario: Scenario, costs: CostTable, config: SimConfig | None = None, *,
                seed: int = 0, duration_s: float) -> Trace:
    """A default-mode run: DvfsEngine when the cost table has operating points' costs."""
    engine = DvfsEngine if costs.at_points else DefaultEngine
    return engine(scenario, costs, config or SimConfig(), seed=seed, duration_s=duration_s).run()
