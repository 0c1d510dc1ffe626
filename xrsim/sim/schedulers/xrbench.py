"""``xrbench``: the reference runtime's order - models by byte order of their names, each
model's frames first come first served - in the default engine's semantics (exact
releases, no dependency lag). With the default latency-greedy placement it sends a frame
to the fastest idle sub-accelerator, as the reference does."""

from __future__ import annotations

from xrsim.sim.job import Job
from xrsim.sim.schedulers.base import Key, Scheduler, register_scheduler


@register_scheduler("xrbench")
class XRBenchScheduler(Scheduler):
    def key(self, job: Job, now: float) -> Key:
        return (job.model.encode(), job.release_s, job.seq)
