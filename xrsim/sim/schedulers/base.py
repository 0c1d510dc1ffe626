"""The scheduler interface and its registry: a scheduler orders the waiting frames."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

from xrsim.registry import Registry
from xrsim.sim.block_costs import BlockTable
from xrsim.sim.job import Job
from xrsim.workload.scenario import Scenario

Key = tuple[float | int | str | bytes, ...]


class Scheduler(ABC):
    """Decides which waiting frame goes next: the one with the smallest ``key``.

    Keys must be total (end with ``job.seq``) so that a run is deterministic. With
    preemption, a running frame yields its sub-accelerator at a block boundary to a
    waiting one whose key is smaller. A key must not change while its frame waits,
    unless the class sets ``dynamic_keys``.
    """

    name: ClassVar[str]
    dynamic_keys: ClassVar[bool] = False
    """True when a waiting frame's key can change while it waits (not just between one
    wait and the next): the queue then re-sorts at every dispatch instead of keeping a
    heap of the keys computed when each frame joined it."""

    def __init__(self, scenario: Scenario, blocks: BlockTable) -> None:
        self.scenario = scenario
        self.blocks = blocks

    @abstractmethod
    def key(self, job: Job, now: float) -> Key:
        """Priority of ``job`` at time ``now``; smaller runs sooner."""

    def dispatched(self, job: Job) -> None:  # noqa: B027  (a hook; most schedulers keep no state)
        """Called when ``job`` starts or resumes on a sub-accelerator."""


SCHEDULERS: Registry[Scheduler] = Registry("scheduler", "scheduler")
register_scheduler = SCHEDULERS.register
scheduler_names = SCHEDULERS.names


def make_scheduler(name: str, scenario: Scenario, blocks: BlockTable) -> Scheduler:
    return SCHEDULERS.get(name)(scenario, blocks)
