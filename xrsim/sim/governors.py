"""DVFS governors: at which operating point a block runs (docs/engine.md, "DVFS").

A governor is asked once per block, when the block starts on a sub-accelerator that
lists operating points (a sub-accelerator without any runs at its one clock). Points are
indices into ``SubAccelerator.points``, lowest clock first. ``plan_point`` is the point
whose costs placements, schedulers, migration and the ``predicted_miss`` drop policy
plan with, fixed before the run.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import ClassVar

from xrsim.hardware.spec import SubAccelerator
from xrsim.registry import Registry
from xrsim.sim.block_costs import BlockTable
from xrsim.sim.job import Job


class Governor(ABC):
    name: ClassVar[str]

    def __init__(self, blocks: BlockTable, subs: Sequence[SubAccelerator]) -> None:
        self.blocks = blocks
        self.subs = subs

    @classmethod
    @abstractmethod
    def plan_point(cls, sub: SubAccelerator) -> int:
        """The point the run plans with on ``sub`` (which lists points)."""

    @abstractmethod
    def choose(self, job: Job, sub: int, now: float, overhead_s: float) -> int:
        """The point at which ``job``'s next block runs on ``sub``, starting at ``now``
        after ``overhead_s`` of wake-up or migration."""


GOVERNORS: Registry[Governor] = Registry("DVFS governor", "dvfs_governor")
register_governor = GOVERNORS.register
governor_names = GOVERNORS.names


@register_governor("fixed")
class Fixed(Governor):
    """Each sub-accelerator's selected point (``operating_point``, default nominal), always."""

    @classmethod
    def plan_point(cls, sub: SubAccelerator) -> int:
        point = sub.selected_point
        assert point is not None
        return point

    def choose(self, job: Job, sub: int, now: float, overhead_s: float) -> int:
        return self.plan_point(self.subs[sub])


@register_governor("race_to_idle")
class RaceToIdle(Governor):
    """The highest point, so that the sub-accelerator is idle (and, if it has power
    gating, gated) as soon as possible."""

    @classmethod
    def plan_point(cls, sub: SubAccelerator) -> int:
        return len(sub.points) - 1

    def choose(self, job: Job, sub: int, now: float, overhead_s: float) -> int:
        return len(self.subs[sub].points) - 1


@register_governor("slack")
class Slack(Governor):
    """The lowest point at which what is left of the frame (from this block on, all of it
    at that point, stand-alone) still ends by its deadline; the highest point when none
    does. At model granularity that is the whole inference; with blocks the choice is made
    again at every block. Plans with the highest point."""

    @classmethod
    def plan_point(cls, sub: SubAccelerator) -> int:
        return len(sub.points) - 1

    def choose(self, job: Job, sub: int, now: float, overhead_s: float) -> int:
        per_point = self.blocks.points[(job.model, sub)]
        start = now + overhead_s
        for k, costs in enumerate(per_point):
            if start + costs.remaining_s[job.next_block] <= job.deadline_s:
                return k
        return len(per_point) - 1


def make_governor(name: str, blocks: BlockTable, subs: Sequence[SubAccelerator]) -> Governor:
    return GOVERNORS.get(name)(blocks, subs)
