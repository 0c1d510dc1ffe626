"""Statistics on a hand-made trace; every expected figure is worked out in comments
(times in ms, energy in mJ; the window is 0-30 ms)."""

from __future__ import annotations

import pytest

from xrsim.metrics.stats import run_stats
from xrsim.sim.trace import ExecutionSlice, InferenceRecord, Trace


def _rec(model: str, frame: int, release: float, dispatch: float, deadline: float, completion: float,
         energy_mj: float, service: float | None, dropped: bool = False) -> InferenceRecord:
    return InferenceRecord(
        model=model, frame=frame, sub_accelerator=None if dropped else "acc0",
        sub_index=None if dropped else 0, release_s=release * 1e-3, dispatch_s=dispatch * 1e-3,
        deadline_s=deadline * 1e-3, completion_s=completion * 1e-3, energy_j=energy_mj * 1e-3,
        dropped=dropped, service_s=None if service is None else service * 1e-3)


def _trace() -> Trace:
    records = [
        _rec("a", 0, 0, 0, 10, 4, 2, 4),       # latency 4, NTT 1
        _rec("b", 0, 0, 4, 8, 10, 4, 6),       # latency 10, late by 2, NTT 10/6
        _rec("a", 1, 10, 12, 20, 16, 2, 4),    # latency 6, NTT 1.5
        _rec("a", 2, 20, 30, 30, 30, 0, None, dropped=True),
    ]
    slices = [ExecutionSlice(0, "a", 0, 0.0, 0.004), ExecutionSlice(0, "b", 0, 0.004, 0.010),
              ExecutionSlice(0, "a", 1, 0.012, 0.016)]
    return Trace(scenario="s", system="h", models=("a", "b"), sub_accelerators=("acc0",),
                 records=records, end_s=0.030, slices=slices)


def test_per_model() -> None:
    a = run_stats(_trace()).models["a"]
    assert (a.frames, a.completed, a.dropped, a.missed) == (3, 2, 1, 1)
    assert (a.miss_rate, a.drop_rate) == pytest.approx((1 / 3, 1 / 3))
    # latencies 4 and 6 ms, linear interpolation: p50 5, p90 4 + 0.9 * 2, p99 4 + 0.99 * 2
    assert (a.latency_p50_s, a.latency_p90_s, a.latency_p99_s) == pytest.approx((5e-3, 5.8e-3, 5.98e-3))
    assert a.energy_per_frame_j == pytest.approx(2e-3)
    assert a.average_power_w == pytest.approx(4e-3 / 0.030)
    assert a.edp_j_s == pytest.approx(2e-3 * 5e-3)
    assert a.antt == pytest.approx(1.25)
    b = run_stats(_trace()).models["b"]
    assert (b.miss_rate, b.drop_rate, b.antt) == pytest.approx((1.0, 0.0, 10 / 6))


def test_per_run() -> None:
    s = run_stats(_trace())
    r = s.run
    assert (r.frames, r.completed, r.dropped, r.missed) == (4, 3, 1, 2)
    assert (r.miss_rate, r.drop_rate) == pytest.approx((0.5, 0.25))
    assert r.latency_p50_s == pytest.approx(6e-3)
    assert r.energy_per_frame_j == pytest.approx(8e-3 / 3)
    assert r.average_power_w == pytest.approx(8e-3 / 0.030)
    assert r.edp_j_s == pytest.approx(8e-3 / 3 * 20e-3 / 3)
    assert r.antt == pytest.approx((1 + 10 / 6 + 1.5) / 3)
    assert s.utilisation == {"acc0": pytest.approx(14 / 30)}  # busy 4 + 6 + 4 ms
    assert s.fairness == pytest.approx(1.25 / (10 / 6))  # min ANTT / max ANTT
    assert s.to_dict()["run"]["frames"] == 4


def test_warmup_cuts_records_and_slices() -> None:
    trace = _trace()
    trace.warmup_s = 0.005
    s = run_stats(trace.measured())
    assert s.window_s == pytest.approx(0.025)
    assert s.run.frames == 2  # released at 10 and 20 ms
    assert s.utilisation["acc0"] == pytest.approx((5 + 4) / 25)  # b clipped to 5-10 ms


def test_a_model_without_completions_has_no_latency() -> None:
    trace = _trace()
    trace.records = [r for r in trace.records if r.model != "b"]
    b = run_stats(trace).models["b"]
    assert (b.frames, b.latency_p50_s, b.antt, b.miss_rate) == (0, None, None, 0.0)
