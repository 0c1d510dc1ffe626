"""``edf``: earliest (absolute) deadline first; ties by release."""

from __future__ import annotations

from xrsim.sim.job import Job
from xrsim.sim.schedulers.base import Key, Scheduler, register_scheduler


@register_scheduler("edf")
class EDFScheduler(Scheduler):
    def key(self, job: Job, now: float) -> Key:
        return (job.deadline_s, job.release_s, job.seq)
