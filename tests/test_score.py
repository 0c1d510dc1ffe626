"""The XRBench score on hand-made traces, computed by hand (the XRBench paper, Kwon et al.,
MLSys 2023, section 3.3, as the reference computes it; docs/metrics.md)."""

from __future__ import annotations

import math

import pytest

from tests.builders import scenario
from xrsim.metrics.xrbench_score import energy_score, realtime_score, xrbench_score
from xrsim.sim.trace import InferenceRecord, Trace
from xrsim.workload.model import Accuracy, Model


def rec(model: str, frame: int, completion_ms: float, deadline_ms: float, energy_j: float,
        dropped: bool = False) -> InferenceRecord:
    return InferenceRecord(model=model, frame=frame, sub_accelerator=None if dropped else "acc0",
                           sub_index=None if dropped else 0, release_s=0.0, dispatch_s=0.0,
                           deadline_s=deadline_ms / 1e3, completion_s=completion_ms / 1e3,
                           energy_j=energy_j, dropped=dropped)


def test_unit_scores() -> None:
    assert realtime_score(0.0) == 0.5
    assert realtime_score(-0.3) == pytest.approx(1 / (1 + math.exp(-4.5)))
    assert realtime_score(1e6) == 0.0 and realtime_score(-1e6) == 1.0  # no overflow
    assert energy_score(0.75) == pytest.approx(0.5)  # (1.5 - 0.75) / 1.5, E_max = 1500 "mJ"
    assert energy_score(3.0) == pytest.approx(-1.0)  # not clamped


def test_scenario_score_by_hand() -> None:
    """a: 3 frames - on time (RT 1), at the deadline (RT 0.5), dropped; energies 0.3 and
    0.6 J -> EN 0.8 and 0.6; QoE 2/3; S_a = (0.8 + 0.3) / 3 * 2/3 = 0.24444.
    b: never logged -> 0. c: one frame 1 ms late (RT 1/(1+e^15)), 0 J -> EN 1.
    Score = 100 * (0.24444 + 0 + RT_c) / 3."""
    sc = scenario([{"model": "a", "fps": 30}, {"model": "b", "fps": 30}, {"model": "c", "fps": 30}])
    trace = Trace(scenario="hand", system="hw", models=("a", "b", "c"), sub_accelerators=("acc0",))
    trace.records += [
        rec("a", 0, 10.0, 33.0, 0.3),
        rec("a", 1, 66.0, 66.0, 0.6),
        rec("a", 2, 99.0, 99.0, 0.0, dropped=True),
        rec("c", 0, 34.0, 33.0, 0.0),
    ]
    score = xrbench_score(trace, sc)
    rt_c = 1 / (1 + math.exp(15))
    a = score.models["a"]
    assert (a.frames, a.completed, a.dropped) == (3, 2, 1)
    assert a.rt == pytest.approx(0.75) and a.en == pytest.approx(0.7)
    assert a.qoe == pytest.approx(2 / 3)
    assert a.score == pytest.approx((1.0 * 0.8 + 0.5 * 0.6) / 3 * (2 / 3))
    assert score.models["b"].score == 0.0 and score.models["b"].frames == 0
    assert score.score == pytest.approx(100 * (a.score + rt_c) / 3)
    assert score.rt == pytest.approx((0.75 + 0 + rt_c) / 3)
    assert score.qoe == pytest.approx((2 / 3 + 0 + 1) / 3)


def test_accuracy_term_applies_when_declared() -> None:
    sc = scenario([{"model": "a", "fps": 30}])
    model = Model(name="a", accuracy=Accuracy(target=0.8, achieved=0.6),
                  layers=sc.models["a"].layers)
    sc = type(sc)(spec=sc.spec, models={"a": model})
    trace = Trace(scenario="hand", system="hw", models=("a",), sub_accelerators=("acc0",))
    trace.records.append(rec("a", 0, 0.0, 33.0, 0.0))
    assert xrbench_score(trace, sc).score == pytest.approx(100 * 0.75)


def test_k_and_e_max_are_configurable() -> None:
    sc = scenario([{"model": "a", "fps": 30}])
    trace = Trace(scenario="hand", system="hw", models=("a",), sub_accelerators=("acc0",))
    trace.records.append(rec("a", 0, 34.0, 33.0, 1.0))
    s = xrbench_score(trace, sc, k_per_ms=1.0, e_max_j=2.0)
    assert s.score == pytest.approx(100 * (1 / (1 + math.e)) * 0.5)
