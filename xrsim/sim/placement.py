"""Placement policies: on which idle sub-accelerator a chosen frame runs.

Each picks among the idle sub-accelerators it is offered (ties: the first one offered;
the engine offers them in its order of preference, docs/engine.md) and is
work-conserving - it never holds a frame back to wait for a busy, better one - except
``affinity``, which runs a mapped model only on its own sub-accelerator.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import ClassVar

from xrsim.errors import SpecError
from xrsim.registry import Registry
from xrsim.sim.block_costs import BlockTable
from xrsim.sim.job import Job


class Placement(ABC):
    name: ClassVar[str]

    def __init__(self, blocks: BlockTable, affinity: Mapping[str, int]) -> None:
        self.blocks = blocks
        self.affinity = affinity

    @abstractmethod
    def choose(self, job: Job, idle: Sequence[int]) -> int | None:
        """A sub-accelerator index among ``idle`` (non-empty, most preferred first), or None
        to leave ``job`` waiting."""


PLACEMENTS: Registry[Placement] = Registry("placement", "placement")
register_placement = PLACEMENTS.register
placement_names = PLACEMENTS.names


@register_placement("latency_greedy")
class LatencyGreedy(Placement):
    """Where the frame's remaining blocks finish soonest (the reference's choice)."""

    def choose(self, job: Job, idle: Sequence[int]) -> int | None:
        return min(idle, key=lambda i: self.blocks.remaining_s(job, i))


@register_placement("energy_greedy")
class EnergyGreedy(Placement):
    """Where the frame's remaining blocks cost the least energy."""

    def choose(self, job: Job, idle: Sequence[int]) -> int | None:
        return min(idle, key=lambda i: self.blocks.remaining_j(job, i))


@register_placement("edp_greedy")
class EDPGreedy(Placement):
    """Where energy x latency of the frame's remaining blocks is smallest."""

    def choose(self, job: Job, idle: Sequence[int]) -> int | None:
        return min(idle, key=lambda i: self.blocks.remaining_j(job, i) * self.blocks.remaining_s(job, i))


@register_placement("affinity")
class Affinity(LatencyGreedy):
    """A static model -> sub-accelerator map; a model left out of it goes latency-greedy."""

    def choose(self, job: Job, idle: Sequence[int]) -> int | None:
        home = self.affinity.get(job.model)
        if home is None:
            return super().choose(job, idle)
        return home if home in idle else None


def make_placement(name: str, blocks: BlockTable, affinity: Mapping[str, str],
                   sub_names: Sequence[str], models: Sequence[str]) -> Placement:
    """The named policy, with ``affinity`` resolved to sub-accelerator indices."""
    cls = PLACEMENTS.get(name)
    resolved: dict[str, int] = {}
    for model, sub in affinity.items():
        if model not in models:
            raise SpecError(None, f"affinity.{model}", f"not a model of the scenario ({', '.join(models)})")
        if sub not in sub_names:
            raise SpecError(None, f"affinity.{model}",
                            f"unknown sub-accelerator '{sub}'; this system has {', '.join(sub_names)}")
        resolved[model] = list(sub_names).index(sub)
    return cls(blocks, resolved)
