"""``rate_monotonic``: static priority by frame rate (shorter period first); ties by
model name, then release."""

from __future__ import annotations

from xrsim.sim.job import Job
from xrsim.sim.schedulers.base import Key, Scheduler, register_scheduler


@register_scheduler("rate_monotonic")
class RateMonotonicScheduler(Scheduler):
    def key(self, job: Job, now: float) -> Key:
        return (job.period_s, job.model.encode(), job.release_s, job.seq)
