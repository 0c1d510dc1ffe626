"""Exact event logs of every scheduler on one hand-worked scenario whose three waiting
frames each scheduler takes in a different order (3! = 6 orders for 6 schedulers).

One sub-accelerator, whole models, 5 ms of releases (one frame per model):

    model  file  fps  phase  release  deadline(abs)  latency  deadline - latency
    z       0    10    0 ms     0       100 ms        10 ms         90
    a       1    50    3 ms     3        50 ms         2 ms         48
    c       2   100    1 ms     1        60 ms        15 ms         45
    b       3    20    2 ms     2        40 ms         3 ms         37

z starts alone at 0 and runs to 10 ms; a, b and c have all arrived by then, and the
scheduler orders them. Everything ends by 30 ms, before the first deadline (40 ms), so
nothing is dropped and each log differs only by the order:

    xrbench         by name:                  a b c
    fcfs            by release (1, 2, 3):     c b a
    edf             by deadline (40, 50, 60): b a c
    llf             by laxity (37, 45, 48):   b c a
    rate_monotonic  by period (10, 20, 50):   c a b
    round_robin     file order after z:       a c b
"""

from __future__ import annotations

import functools

import pytest

from tests.builders import log, run, scenario, system
from xrsim.sim.schedulers import scheduler_names

USES = [
    {"model": "z", "fps": 10},
    {"model": "a", "fps": 50, "phase_ms": 3, "deadline_ms": 47},
    {"model": "c", "fps": 100, "phase_ms": 1, "deadline_ms": 59},
    {"model": "b", "fps": 20, "phase_ms": 2, "deadline_ms": 38},
]
COSTS = {"z": [(10, 1, 0)], "a": [(2, 1, 0)], "c": [(15, 1, 0)], "b": [(3, 1, 0)]}
Z = ("z", 0, "acc0", 0.0, 10.0)

EXPECTED = {
    # a 10->12, b 12->15, c 15->30
    "xrbench": [Z, ("a", 0, "acc0", 10.0, 12.0), ("b", 0, "acc0", 12.0, 15.0), ("c", 0, "acc0", 15.0, 30.0)],
    # c 10->25, b 25->28, a 28->30
    "fcfs": [Z, ("c", 0, "acc0", 10.0, 25.0), ("b", 0, "acc0", 25.0, 28.0), ("a", 0, "acc0", 28.0, 30.0)],
    # b 10->13, a 13->15, c 15->30
    "edf": [Z, ("b", 0, "acc0", 10.0, 13.0), ("a", 0, "acc0", 13.0, 15.0), ("c", 0, "acc0", 15.0, 30.0)],
    # at 10 ms laxities a 38, b 27, c 35: b 10->13; at 13 a 35, c 32: c 13->28; a 28->30
    "llf": [Z, ("b", 0, "acc0", 10.0, 13.0), ("c", 0, "acc0", 13.0, 28.0), ("a", 0, "acc0", 28.0, 30.0)],
    # c 10->25, a 25->27, b 27->30
    "rate_monotonic": [Z, ("c", 0, "acc0", 10.0, 25.0), ("a", 0, "acc0", 25.0, 27.0),
                       ("b", 0, "acc0", 27.0, 30.0)],
    # after z (file 0) comes a (1), then c (2), then b (3)
    "round_robin": [Z, ("a", 0, "acc0", 10.0, 12.0), ("c", 0, "acc0", 12.0, 27.0),
                    ("b", 0, "acc0", 27.0, 30.0)],
}


@functools.cache
def _log(name: str) -> list:
    scn = scenario(USES, {"z": 1, "a": 1, "b": 1, "c": 1})
    return log(run(scn, system(1), COSTS, duration_ms=5, scheduler=name))


def test_every_registered_scheduler_is_covered() -> None:
    assert sorted(EXPECTED) == scheduler_names()


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_exact_log(name: str) -> None:
    assert _log(name) == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_choice_differs_from_every_other_scheduler(name: str) -> None:
    # The runs themselves, not the expectations: each scheduler's order of a, b and c is
    # one of the 3! orders and no other scheduler's.
    others = [_log(o) for o in scheduler_names() if o != name]
    assert _log(name) not in others
