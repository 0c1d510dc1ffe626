"""``fcfs``: first come, first served by release time."""

from __future__ import annotations

from xrsim.sim.job import Job
from xrsim.sim.schedulers.base import Key, Scheduler, register_scheduler


@register_scheduler("fcfs")
class FCFSScheduler(Scheduler):
    def key(self, job: Job, now: float) -> Key:
        return (job.release_s, job.seq)
