"""Frame sources, drop policies and cascades, hand-worked."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.builders import log, ms, run, scenario, system
from xrsim.metrics.stats import run_stats
from xrsim.metrics.xrbench_score import xrbench_score
from xrsim.sim.sources import build_sources, draw_jitter, frame_count
from xrsim.workload.scenario import Jitter, ModelUse


def test_releases_are_exact_float_multiples_of_the_period() -> None:
    scn = scenario([{"model": "m", "fps": 3}, {"model": "p", "fps": 30, "phase_ms": 2.5}], {"m": 1, "p": 1})
    src, phased = build_sources(scn, 1.0, seed=0)
    assert src.release_s.tolist() == [0.0, 1 / 3, 2 / 3]
    assert src.deadline_s.tolist() == [1 / 3, 1 / 3 + 1 / 3, 2 / 3 + 1 / 3]
    assert len(phased) == 30 and phased.release_s[7] == 0.0025 + 7 / 30
    trace = run(scn, system(1), {"m": [(1, 1, 0)], "p": [(1, 1, 0)]}, duration_ms=1000)
    assert sorted(r.release_s for r in trace.of_model("m")) == [0.0, 1 / 3, 2 / 3]


def test_frame_count_covers_nominal_releases_before_the_end() -> None:
    assert frame_count(ModelUse(model="m", fps=60), 0.7) == 42  # 41 / 60 < 0.7 <= 42 / 60
    assert frame_count(ModelUse(model="m", fps=10), 0.7) == 7  # 0.6 < 0.7; 0.7 is not before 0.7
    assert frame_count(ModelUse(model="m", fps=10, phase_ms=800), 0.7) == 0


@pytest.mark.parametrize("distribution", ["uniform", "normal", "exponential"])
def test_jitter_stays_within_its_bound_and_replays(distribution: str) -> None:
    jitter = Jitter(distribution=distribution, bound_ms=2)
    draws = draw_jitter(jitter, 1000, np.random.default_rng(1))
    assert draws.min() >= 0.0 and draws.max() <= 0.002 and draws.std() > 0
    assert np.array_equal(draws, draw_jitter(jitter, 1000, np.random.default_rng(1)))


# Means of the jitter distributions truncated to [0, B] (docs/engine.md), B = 1:
#   uniform      U(0, B):                 B / 2
#   normal       N(B/2, (B/6)^2):         B / 2 (the truncation is symmetric about B/2)
#   exponential  Exp(mean mu = B/3) cut at B = 3 mu, resampled above it:
#                E[X | X <= 3 mu] = mu - 3 mu e^-3 / (1 - e^-3) = 0.8428 mu = 0.2809 B
#                (clipping at B instead would give mu (1 - e^-3) = 0.3167 B, and no cut B/3)
# Tolerance: 5 standard errors of a mean of N draws, with each distribution's standard
# deviation bounded by its untruncated one (B/sqrt(12), B/6, B/3): a correct sampler
# misses it with probability < 1e-6, and the wrong exponential means are > 9 of them off.
N_DRAWS = 200_000
MU = 1 / 3
JITTER_MEANS = {
    "uniform": (0.5, 1 / math.sqrt(12)),
    "normal": (0.5, 1 / 6),
    "exponential": (MU - 3 * MU * math.exp(-3) / (1 - math.exp(-3)), MU),
}


@pytest.mark.parametrize("distribution", sorted(JITTER_MEANS))
def test_jitter_means(distribution: str) -> None:
    mean, sd = JITTER_MEANS[distribution]
    draws = draw_jitter(Jitter(distribution=distribution, bound_ms=1000), N_DRAWS, np.random.default_rng(7))
    assert draws.mean() == pytest.approx(mean, abs=5 * sd / math.sqrt(N_DRAWS))
    # Truncated, not clipped: no pile of draws on the bound (clipping put ~5 % of the
    # exponential's there, and 0.13 % of the normal's on each end).
    assert np.count_nonzero(draws == 1.0) == 0 and np.count_nonzero(draws == 0.0) == 0


@pytest.mark.parametrize("distribution", sorted(JITTER_MEANS))
def test_the_engine_releases_at_the_nominal_time_plus_the_drawn_delay(distribution: str) -> None:
    # One model, 100 FPS, 1 ms a frame, on one sub-accelerator: never busy at a release.
    # Per docs/engine.md ("Randomness"), model 0's jitter stream is the first of
    # SeedSequence(seed).spawn(2 x 1 models), drawn frame by frame before the run.
    jitter = {"distribution": distribution, "bound_ms": 4}
    scn = scenario([{"model": "m", "fps": 100, "jitter": jitter}], {"m": 1})
    trace = run(scn, system(1), {"m": [(1, 1, 0)]}, duration_ms=500, seed=11)
    delays = draw_jitter(Jitter(**jitter), 50,
                         np.random.default_rng(np.random.SeedSequence(11).spawn(2)[0]))
    assert [r.frame for r in trace] == list(range(50))
    assert [r.release_s for r in trace] == (np.arange(50) / 100 + delays).tolist()
    assert [r.dispatch_s for r in trace] == [r.release_s for r in trace]
    assert [r.deadline_s for r in trace] == (np.arange(50) / 100 + 0.01).tolist()
    assert delays.min() > 0.0 and delays.max() < 0.004


def test_jitter_delays_the_release_but_not_the_deadline() -> None:
    scn = scenario([{"model": "m", "fps": 100, "jitter": {"bound_ms": 3}}], {"m": 1})
    (src,) = build_sources(scn, 1.0, seed=5)
    nominal = np.arange(100) / 100
    delay = src.release_s - nominal
    assert delay.min() >= 0 and delay.max() <= 0.003 and delay.max() > 0.002
    assert np.allclose(src.deadline_s, nominal + 0.01)


# One sub-accelerator, EDF. big: 10 FPS, 30 ms. small: 50 FPS, phase 1 ms, 2 ms, deadline
# 1 + 20 = 21 ms. big runs 0-30 ms; small waits. Policy deadline: small dropped at 21 ms;
# never: small runs late, 30-32 ms; predicted_miss: at 30 ms 30 + 2 > 21, dropped at 30 ms.
DROP_USES = [{"model": "big", "fps": 10}, {"model": "small", "fps": 50, "phase_ms": 1}]
DROP_COSTS = {"big": [(30, 1, 0)], "small": [(2, 1, 0)]}


@pytest.mark.parametrize(("policy", "expected"), [
    ("deadline", [("small", 0, None, 21.0, 21.0), ("big", 0, "acc0", 0.0, 30.0)]),
    ("never", [("big", 0, "acc0", 0.0, 30.0), ("small", 0, "acc0", 30.0, 32.0)]),
    ("predicted_miss", [("big", 0, "acc0", 0.0, 30.0), ("small", 0, None, 30.0, 30.0)]),
])
def test_drop_policies(policy: str, expected: list) -> None:
    trace = run(scenario(DROP_USES, {"big": 1, "small": 1}), system(1), DROP_COSTS, duration_ms=5,
                drop_policy=policy)
    assert log(trace) == expected


def test_a_dependant_frame_is_released_when_its_upstream_frame_completes() -> None:
    # u, d: 100 FPS (deadline 10 ms), u -> d. u0 0-2; d0 released at 2, runs 2-5;
    # u1 10-12; d1 12-15.
    scn = scenario([{"model": "u", "fps": 100}, {"model": "d", "fps": 100}], {"u": 1, "d": 1},
                   [{"from": "u", "to": "d"}])
    trace = run(scn, system(1), {"u": [(2, 1, 0)], "d": [(3, 1, 0)]}, duration_ms=20)
    assert log(trace) == [("u", 0, "acc0", 0.0, 2.0), ("d", 0, "acc0", 2.0, 5.0),
                          ("u", 1, "acc0", 10.0, 12.0), ("d", 1, "acc0", 12.0, 15.0)]
    assert [ms(r.release_s) for r in trace.of_model("d")] == [2.0, 12.0]
    assert [ms(r.deadline_s) for r in trace.of_model("d")] == [10.0, 20.0]


def test_a_dropped_upstream_frame_drops_its_dependants() -> None:
    # FCFS; b (released first) holds the sub-accelerator 0-5 ms; u's deadline is 1 ms, so
    # u0 is dropped at 1 ms, and with it d0 (and d0's own dependant e0).
    uses = [{"model": "b", "fps": 100}, {"model": "u", "fps": 100, "deadline_ms": 1},
            {"model": "d", "fps": 100}, {"model": "e", "fps": 100}]
    scn = scenario(uses, {"b": 1, "u": 1, "d": 1, "e": 1},
                   [{"from": "u", "to": "d"}, {"from": "d", "to": "e"}])
    costs = {m: [(5, 1, 0)] for m in "bude"}
    trace = run(scn, system(1), costs, duration_ms=5, scheduler="fcfs")
    assert log(trace) == [("u", 0, None, 1.0, 1.0), ("d", 0, None, 1.0, 1.0), ("e", 0, None, 1.0, 1.0),
                          ("b", 0, "acc0", 0.0, 5.0)]


def test_an_untriggered_frame_is_no_frame_and_never_runs() -> None:
    scn = scenario([{"model": "u", "fps": 100}, {"model": "d", "fps": 100}], {"u": 1, "d": 1},
                   [{"from": "u", "to": "d", "probability": 0.5}])
    trace = run(scn, system(1), {"u": [(1, 1, 0)], "d": [(1, 1, 0)]}, duration_ms=1000, seed=3)
    (_, dep) = build_sources(scn, 1.0, seed=3)
    assert sorted(r.frame for r in trace.of_model("d")) == np.flatnonzero(dep.triggered).tolist()
    assert 30 < dep.triggered.sum() < 70


def test_warmup_leaves_early_frames_out_of_the_score() -> None:
    from xrsim import simulate

    full = simulate("xrbench-8k-J", "ar_gaming", mode="default", costs="table")
    warm = simulate("xrbench-8k-J", "ar_gaming", mode="default", costs="table", warmup_s=0.1)
    assert len(warm.trace) == len(full.trace)  # the trace keeps everything
    assert warm.stats.run.frames == sum(1 for r in full.trace if r.release_s >= 0.1)
    assert warm.stats.window_s == pytest.approx(full.stats.window_s - 0.1)
    assert warm.score.score == xrbench_score(warm.trace.measured(), warm.scenario).score


def test_warmup_score_by_hand() -> None:
    """One sub-accelerator, EDF, 60 ms, warm-up 25 ms; accuracy 1 (no accuracy given).

        m  100 FPS, deadline 5 ms, 2 ms, 300 mJ -> EN = (1.5 - 0.3) / 1.5 = 0.8
        b  10 FPS, phase 28 ms (one frame), deadline 100 ms, 9 ms, 150 mJ -> EN = 0.9

    m0 0-2, m1 10-12, m2 20-22 ms; b0 28-37 ms; m3 (released 30, deadline 35) waits
    behind b0 and is dropped at 35; m4 40-42, m5 50-52. Every completed frame ends at
    least 3 ms early: RT = 1 / (1 + e^(15 * -3)) = 1 to double precision.

    Measured (released at or after 25 ms): m3 (dropped), m4, m5 and b0.
        S_m = (0.8 + 0.8) / 3 x (1 - 1/3) = 0.35556,  S_b = 0.9
        score = 100 x (0.35556 + 0.9) / 2 = 62.778
    Unmeasured, the early frames m0-m2 would count: S_m = 5 x 0.8 / 6 x 5/6 = 0.55556
    and the score 72.778."""
    uses = [{"model": "m", "fps": 100, "deadline_ms": 5}, {"model": "b", "fps": 10, "phase_ms": 28}]
    scn = scenario(uses, {"m": 1, "b": 1})
    trace = run(scn, system(1), {"m": [(2, 300, 0)], "b": [(9, 150, 0)]}, duration_ms=60,
                warmup_s=0.025)
    assert log(trace) == [("m", 0, "acc0", 0.0, 2.0), ("m", 1, "acc0", 10.0, 12.0),
                          ("m", 2, "acc0", 20.0, 22.0), ("m", 3, None, 35.0, 35.0),
                          ("b", 0, "acc0", 28.0, 37.0), ("m", 4, "acc0", 40.0, 42.0),
                          ("m", 5, "acc0", 50.0, 52.0)]
    score = xrbench_score(trace.measured(), scn)
    assert (score.models["m"].frames, score.models["m"].dropped, score.models["b"].frames) == (3, 1, 1)
    assert score.models["m"].score == pytest.approx(1.6 / 3 * 2 / 3)
    assert score.score == pytest.approx(100 * (1.6 / 3 * 2 / 3 + 0.9) / 2)
    assert xrbench_score(trace, scn).score == pytest.approx(100 * (4.0 / 6 * 5 / 6 + 0.9) / 2)


def test_window_is_the_simulated_time_when_work_ends_early() -> None:
    """One 1 ms inference a second over 1 s: busy 1 ms of the 1 s window, so utilisation
    0.001 and average power = energy / 1 s - not busy all of a 1 ms window."""
    sc = scenario([{"model": "m", "fps": 1}], {"m": 1})
    trace = run(sc, system(1), {"m": [(1, 2, 0)]}, duration_ms=1000)
    stats = run_stats(trace)
    assert stats.window_s == pytest.approx(1.0)
    assert stats.utilisation["acc0"] == pytest.approx(0.001)
    assert stats.run.average_power_w == pytest.approx(2e-3 / 1.0)
