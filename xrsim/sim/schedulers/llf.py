"""``llf``: least laxity first. Laxity = deadline - now - predicted remaining latency, the
stand-alone latency of the frame's remaining blocks on its sub-accelerator (or on the
fastest one if it has not started). ``now`` is common to all frames compared at one
instant, so the key drops it."""

from __future__ import annotations

from xrsim.sim.job import Job
from xrsim.sim.schedulers.base import Key, Scheduler, register_scheduler


@register_scheduler("llf")
class LLFScheduler(Scheduler):
    def key(self, job: Job, now: float) -> Key:
        return (job.deadline_s - self.blocks.predicted_remaining_s(job), job.release_s, job.seq)
