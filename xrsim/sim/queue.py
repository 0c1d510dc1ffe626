"""The waiting frames of a run, in the scheduler's order.

Most schedulers give a waiting frame a key that does not change while it waits (only
round robin's depends on who ran last). Those keys are computed once, when the frame joins
the queue, and kept in a binary heap with lazy deletion, so that a dispatch in a queue of
n frames costs O(log n) instead of a sort of the whole queue, and membership and removal
are O(1) instead of scans of a list.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator

from xrsim.sim.job import Job
from xrsim.sim.schedulers.base import Key, Scheduler

_Entry = tuple[Key, int, Job]  # (key, push number, frame); the push number is unique


class WaitQueue:
    """Waiting frames, smallest scheduler key first."""

    def __init__(self, scheduler: Scheduler) -> None:
        self.scheduler = scheduler
        self._heap: list[_Entry] = []
        self._live: dict[Job, int] = {}  # frame -> push number of its valid heap entry
        self._pushes = 0

    def __len__(self) -> int:
        return len(self._live)

    def __contains__(self, job: Job) -> bool:
        return job in self._live

    def push(self, job: Job, now: float) -> None:
        self._pushes += 1
        self._live[job] = self._pushes
        if self.scheduler.dynamic_keys:
            return
        heapq.heappush(self._heap, (self.scheduler.key(job, now), self._pushes, job))
        if len(self._heap) > 2 * len(self._live) + 64:
            # Removed frames leave stale entries behind; rebuild before they dominate.
            self._heap = [e for e in self._heap if self._live.get(e[2]) == e[1]]
            heapq.heapify(self._heap)

    def remove(self, job: Job) -> None:
        del self._live[job]

    def in_order(self, now: float) -> Iterator[Job]:
        """The waiting frames, smallest key first, computed lazily: a caller that stops
        after the first frame it can place has looked at k frames for O(k log k). The
        heap is walked, not popped (a frontier of heap positions), so the queue must not
        change while the iterator is in use."""
        if self.scheduler.dynamic_keys:
            yield from sorted(self._live, key=lambda j: self.scheduler.key(j, now))
            return
        heap, live = self._heap, self._live
        while heap and live.get(heap[0][2]) != heap[0][1]:
            heapq.heappop(heap)  # stale entries on top
        if not heap:
            return
        yield heap[0][2]  # the top, which most dispatches take: no frontier built for it
        frontier: list[tuple[_Entry, int]] = [(heap[c], c) for c in (1, 2) if c < len(heap)]
        heapq.heapify(frontier)
        while frontier:
            (_, push, job), i = heapq.heappop(frontier)
            for child in (2 * i + 1, 2 * i + 2):
                if child < len(heap):
                    heapq.heappush(frontier, (heap[child], child))
            if live.get(job) == push:
                yield job
