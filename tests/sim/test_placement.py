"""Placement policies on one frame of one model and four sub-accelerators:

    sub   latency  energy  latency x energy
    acc0   1 ms    10 mJ    10
    acc1   4 ms     1 mJ     4
    acc2   2 ms   1.5 mJ     3
    acc3   5 ms     5 mJ    25

latency-greedy takes acc0, energy-greedy acc1, EDP-greedy acc2, and the affinity map
sends the model to acc3, the worst on every count."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from tests.builders import log, run, scenario, system
from xrsim.errors import SpecError
from xrsim.sim.config import SimConfig

COSTS = {("m", "acc0"): [(1, 10, 0)], ("m", "acc1"): [(4, 1, 0)],
         ("m", "acc2"): [(2, 1.5, 0)], ("m", "acc3"): [(5, 5, 0)]}


@pytest.mark.parametrize(("placement", "expected"), [
    ("latency_greedy", ("m", 0, "acc0", 0.0, 1.0)),
    ("energy_greedy", ("m", 0, "acc1", 0.0, 4.0)),
    ("edp_greedy", ("m", 0, "acc2", 0.0, 2.0)),
    ("affinity", ("m", 0, "acc3", 0.0, 5.0)),
])
def test_placement_choice(placement: str, expected: tuple) -> None:
    scn = scenario([{"model": "m", "fps": 10}], {"m": 1})
    affinity = {"m": "acc3"} if placement == "affinity" else {}
    trace = run(scn, system(4), COSTS, duration_ms=1, placement=placement, affinity=affinity)
    assert log(trace) == [expected]


def test_affinity_waits_for_its_sub_accelerator_while_others_idle() -> None:
    # Frames at 0 and 1 ms, 5 ms each, all on acc3: the second waits until 5 ms.
    scn = scenario([{"model": "m", "fps": 1000}], {"m": 1})
    trace = run(scn, system(4), COSTS, duration_ms=2, placement="affinity", affinity={"m": "acc3"},
                drop_policy="never")
    assert log(trace) == [("m", 0, "acc3", 0.0, 5.0), ("m", 1, "acc3", 5.0, 10.0)]


@pytest.mark.parametrize(("affinity", "field"), [({"nope": "acc0"}, "affinity.nope"),
                                                 ({"m": "acc9"}, "affinity.m")])
def test_bad_affinity_names_the_entry(affinity: dict, field: str) -> None:
    scn = scenario([{"model": "m", "fps": 10}], {"m": 1})
    with pytest.raises(SpecError) as err:
        run(scn, system(4), COSTS, duration_ms=1, placement="affinity", affinity=affinity)
    assert err.value.field == field


@pytest.mark.parametrize(("placement", "affinity", "message"), [
    ("latency_greedy", {"m": "acc3"}, "applies to placement 'affinity' only"),
    ("affinity", {}, "placement 'affinity' needs a map"),
])
def test_an_affinity_map_that_would_be_ignored_is_refused(placement: str, affinity: dict,
                                                          message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        SimConfig(placement=placement, affinity=affinity)
