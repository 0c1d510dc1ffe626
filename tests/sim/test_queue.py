"""The wait queue against its plain definition: the waiting frames sorted by key."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.builders import HandCosts, scenario, system
from xrsim.cost.base import CostTable
from xrsim.sim.block_costs import BlockTable
from xrsim.sim.job import Job
from xrsim.sim.queue import WaitQueue
from xrsim.sim.schedulers import make_scheduler

SCN = scenario([{"model": "a", "fps": 10}, {"model": "b", "fps": 30}], {"a": 2, "b": 2})
BLOCKS = BlockTable.build(CostTable.build(HandCosts({"a": [(1, 1, 0), (3, 1, 0)], "b": [(2, 1, 0)] * 2}),
                                          system(1), SCN.models.values()), SCN, 1)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["edf", "llf", "fcfs", "round_robin"]),
       st.lists(st.tuples(st.sampled_from(["push", "remove", "repush"]), st.integers(0, 2000),
                          st.integers(0, 1)), max_size=300))
def test_in_order_is_the_waiting_frames_sorted_by_key(name: str, ops: list) -> None:
    scheduler = make_scheduler(name, SCN, BLOCKS)
    queue = WaitQueue(scheduler)
    waiting: list[Job] = []
    for seq, (op, deadline_ms, model) in enumerate(ops):
        if op == "push" or not waiting:
            job = Job(model="ab"[model], model_index=model, frame=seq, release_s=seq * 1e-3,
                      deadline_s=deadline_ms * 1e-3, period_s=0.1, seq=seq)
            queue.push(job, 0.0)
            waiting.append(job)
            continue
        job = waiting[deadline_ms % len(waiting)]
        queue.remove(job)
        waiting.remove(job)
        if op == "repush":  # a frame that ran a block and came back with a new key
            job.next_block = 1
            queue.push(job, 0.0)
            waiting.append(job)
        assert (job in queue) == (op == "repush")
    assert len(queue) == len(waiting)
    expected = sorted(waiting, key=lambda j: scheduler.key(j, 0.0))
    assert list(queue.in_order(0.0)) == expected
    first = next(queue.in_order(0.0), None)
    assert first is (expected[0] if expected else None)
