"""The scheduler interface and its registry: a scheduler orders the waiting frames."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import ClassVar

from xrsim.errors import SpecError
from xrsim.sim.block_costs import BlockTable
from xrsim.sim.job import Job
from xrsim.workload.scenario import Scenario

Key = tuple[float | int | str | bytes, ...]


class Scheduler(ABC):
    """Decides which waiting frame goes next: the one with the smallest ``key``.

    Keys must be total (end with ``job.seq``) so that a run is deterministic. With
    preemption, a running frame yields its sub-accelerator at a block boundary to a
    waiting one whose key is smaller.
    """

    name: ClassVar[str]

    def __init__(self, scenario: Scenario, blocks: BlockTable) -> None:
        self.scenario = scenario
        self.blocks = blocks

    @abstractmethod
    def key(self, job: Job, now: float) -> Key:
        """Priority of ``job`` at time ``now``; smaller runs sooner."""

    def dispatched(self, job: Job) -> None:  # noqa: B027  (a hook; most schedulers keep no state)
        """Called when ``job`` starts or resumes on a sub-accelerator."""


_SCHEDULERS: dict[str, type[Scheduler]] = {}


def register_scheduler(name: str) -> Callable[[type[Scheduler]], type[Scheduler]]:
    def decorate(cls: type[Scheduler]) -> type[Scheduler]:
        cls.name = name
        _SCHEDULERS[name] = cls
        return cls

    return decorate


def scheduler_names() -> list[str]:
    return sorted(_SCHEDULERS)


def make_scheduler(name: str, scenario: Scenario, blocks: BlockTable) -> Scheduler:
    try:
        cls = _SCHEDULERS[name]
    except KeyError:
        raise SpecError(None, "scheduler",
                        f"unknown scheduler '{name}'; known: {', '.join(scheduler_names())}") from None
    return cls(scenario, blocks)
