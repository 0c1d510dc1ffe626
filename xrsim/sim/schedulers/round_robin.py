"""``round_robin``: models take turns in the scenario's file order - the next frame comes
from the first model after the last one dispatched that has a frame waiting; within a
model, first come first served."""

from __future__ import annotations

from xrsim.sim.block_costs import BlockTable
from xrsim.sim.job import Job
from xrsim.sim.schedulers.base import Key, Scheduler, register_scheduler
from xrsim.workload.scenario import Scenario


@register_scheduler("round_robin")
class RoundRobinScheduler(Scheduler):
    dynamic_keys = True  # a frame's turn moves whenever another model is dispatched

    def __init__(self, scenario: Scenario, blocks: BlockTable) -> None:
        super().__init__(scenario, blocks)
        self.num_models = len(scenario.uses)
        self.last = self.num_models - 1  # so that the first turn is the first model's

    def key(self, job: Job, now: float) -> Key:
        turn = (job.model_index - self.last - 1) % self.num_models
        return (turn, job.release_s, job.seq)

    def dispatched(self, job: Job) -> None:
        self.last = job.model_index
