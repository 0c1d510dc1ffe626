"""Costs of every (model, sub-accelerator) pair cut into the blocks a run executes,
computed once from the CostTable before the run so that no event recomputes a cost."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from xrsim.cost.base import CostTable, ModelCost
from xrsim.errors import SpecError
from xrsim.sim.job import Job
from xrsim.workload.scenario import Scenario


@dataclass(frozen=True)
class BlockCosts:
    """One model on one sub-accelerator, block by block (SI units).

    ``remaining_s[b]`` / ``remaining_j[b]``: latency / energy of blocks b.. to the end.
    ``dram_bytes`` is None when the cost backend does not say how much DRAM traffic there is.
    """

    latency_s: tuple[float, ...]
    energy_j: tuple[float, ...]
    dram_bytes: tuple[float, ...] | None
    layers: tuple[tuple[int, int], ...]
    remaining_s: tuple[float, ...]
    remaining_j: tuple[float, ...]

    def __len__(self) -> int:
        return len(self.latency_s)


def _suffix_sums(values: np.ndarray) -> tuple[float, ...]:
    return (*(float(v) for v in np.cumsum(values[::-1])[::-1]), 0.0)


def _make(latency: np.ndarray, energy: np.ndarray, dram: np.ndarray | None,
          layers: tuple[tuple[int, int], ...]) -> BlockCosts:
    return BlockCosts(
        latency_s=tuple(float(v) for v in latency), energy_j=tuple(float(v) for v in energy),
        dram_bytes=None if dram is None else tuple(float(v) for v in dram), layers=layers,
        remaining_s=_suffix_sums(latency), remaining_j=_suffix_sums(energy),
    )


def _whole(cost: ModelCost, n_layers: int) -> BlockCosts:
    """The whole model as one block, at the backend's model totals."""
    dram = cost.dram_bytes
    if dram is None and cost.layers is not None:
        dram = float(cost.layers.dram_bytes.sum())
    return _make(np.array([cost.latency_s]), np.array([cost.energy_j]),
                 None if dram is None else np.array([dram]), ((0, n_layers),))


def _in_blocks(cost: ModelCost, n: int) -> BlockCosts:
    """Blocks of ``n`` consecutive layers (the last one takes the remainder)."""
    if cost.layers is None:
        raise SpecError(None, "granularity", (
            f"'block:{n}' needs per-layer costs, but the cost backend gives only whole-model "
            f"costs for '{cost.model}'; use granularity 'model' or a per-layer backend "
            "(e.g. --costs analytical)"))
    starts = np.arange(0, len(cost.layers), n)
    ends = np.minimum(starts + n, len(cost.layers))
    return _make(
        np.add.reduceat(cost.layers.latency_s, starts),
        np.add.reduceat(cost.layers.energy_j, starts),
        np.add.reduceat(cost.layers.dram_bytes, starts),
        tuple(zip(starts.tolist(), ends.tolist(), strict=True)),
    )


@dataclass(frozen=True)
class BlockTable:
    """Block costs of every (model, sub-accelerator index) of a run."""

    costs: dict[tuple[str, int], BlockCosts]
    num_subs: int
    fastest_remaining_s: dict[str, tuple[float, ...]]
    """Per model, ``[b]``: the smallest ``remaining_s[b]`` over the sub-accelerators,
    precomputed because LLF asks for it at every key."""
    points: dict[tuple[str, int], tuple[BlockCosts, ...]] = field(default_factory=dict)
    """DVFS: the block costs at each operating point of the sub-accelerators that list
    points (lowest clock first); ``costs`` holds those at each one's planning point."""

    @classmethod
    def build(cls, table: CostTable, scenario: Scenario, layers_per_block: int | None,
              plan_points: Sequence[int | None] = ()) -> BlockTable:
        """Whole models (``layers_per_block`` None) need only model totals; blocks need the
        backend's per-layer costs and fail with one SpecError naming ``granularity`` when
        it has none. ``plan_points[i]``: the operating point of sub-accelerator i whose
        costs go into ``costs`` (None or absent: the table's nominal costs)."""

        def cut(model: str, cost: ModelCost) -> BlockCosts:
            return (_whole(cost, len(scenario.models[model].layers)) if layers_per_block is None
                    else _in_blocks(cost, layers_per_block))

        out = {key: cut(key[0], cost) for key, cost in table.costs.items()}
        points = {key: tuple(cut(key[0], c) for c in per_point) for key, per_point in table.at_points.items()}
        for (model, i), per_point in points.items():
            plan = plan_points[i] if i < len(plan_points) else None
            if plan is not None:
                out[(model, i)] = per_point[plan]
        num_subs = len(table.system.sub_accelerators)
        fastest = {}
        for model in dict.fromkeys(m for m, _ in out):
            per_sub = [out[(model, i)].remaining_s for i in range(num_subs)]
            fastest[model] = tuple(float(v) for v in np.min(per_sub, axis=0))
        return cls(costs=out, num_subs=num_subs, fastest_remaining_s=fastest, points=points)

    def get(self, model: str, sub: int) -> BlockCosts:
        return self.costs[(model, sub)]

    def at(self, model: str, sub: int, point: int | None) -> BlockCosts:
        """The block costs at operating point ``point`` (None: the sub-accelerator has none)."""
        return self.costs[(model, sub)] if point is None else self.points[(model, sub)][point]

    def remaining_s(self, job: Job, sub: int) -> float:
        """Stand-alone latency of what is left of ``job`` if it runs on ``sub``."""
        return self.costs[(job.model, sub)].remaining_s[job.next_block]

    def remaining_j(self, job: Job, sub: int) -> float:
        return self.costs[(job.model, sub)].remaining_j[job.next_block]

    def predicted_remaining_s(self, job: Job) -> float:
        """On its own sub-accelerator once started, else on the fastest one."""
        if job.sub_index is not None:
            return self.remaining_s(job, job.sub_index)
        return self.fastest_remaining_s[job.model][job.next_block]
