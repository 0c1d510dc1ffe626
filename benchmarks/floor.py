"""Floors the benchmarks measure in their own process, so that every figure can be read
as a distance to what the machine allows rather than as an absolute time.

- ``heap_event_s``: one event of a bare ``heapq`` event loop (push a (time, id, callback)
  entry, pop it, call a no-op callback): what an event costs with no simulator at all.
- ``numpy_call_s``: one numpy call (an elementwise multiply) over arrays of a given length:
  what a cost computation vectorised into a single call would cost.
- ``cpu_best_s``: the best CPU time (``time.process_time``) of several repetitions, the
  measure every benchmark uses (wall time on a shared machine mostly measures the others).
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Callable
from typing import Any

import numpy as np


def cpu_best_s(work: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Best CPU time of ``repeat`` calls of ``work``, and the last call's result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.process_time()
        result = work()
        best = min(best, time.process_time() - start)
    return best, result


def heap_event_s(events: int = 200_000, repeat: int = 5) -> float:
    """CPU seconds per event of a bare heapq event loop."""
    def noop() -> None:
        pass

    def loop() -> None:
        # a few events pending at any time, as in a run: each one handled schedules the next
        queue: list[tuple[float, int, Callable[[], None]]] = [(i * 1e-3, i, noop) for i in range(8)]
        for i in range(8, events + 8):
            now, _, callback = heapq.heappop(queue)
            callback()
            heapq.heappush(queue, (now + 8e-3, i, noop))

    return cpu_best_s(loop, repeat)[0] / events


def numpy_call_s(length: int, repeat: int = 200) -> float:
    """CPU seconds of one elementwise numpy call over ``length`` float64 values."""
    a, b = np.random.default_rng(0).random((2, length))
    out = np.empty(length)
    return cpu_best_s(lambda: np.multiply(a, b, out=out), repeat)[0]
