"""The XRBench score, exactly as the paper and its reference define it (Kwon et al., MLSys 2023,
section 3.3; docs/metrics.md).

Per inference i: RT_i = 1 / (1 + exp(k (C_i - D_i))) with times in ms, and
EN_i = (E_max - E_i) / E_max (not clamped). Per model m, over its logged frames
(completed + dropped): QoE_m = 1 - dropped / frames and
S_m = sum over completed of RT_i EN_i ACC_m / frames * QoE_m. The scenario score is
100 * sum of S_m / number of models in the scenario; a model never logged counts 0.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass

from xrsim import units
from xrsim.sim.trace import Trace
from xrsim.workload.scenario import Scenario

DEFAULT_K_PER_MS = 15.0
DEFAULT_E_MAX_J = units.XRBENCH_E_MAX_J


def realtime_score(lateness_ms: float, k_per_ms: float = DEFAULT_K_PER_MS) -> float:
    """1 / (1 + exp(k x)), written with tanh so that it never overflows."""
    return 0.5 * (1.0 - math.tanh(0.5 * k_per_ms * lateness_ms))


def energy_score(energy_j: float, e_max_j: float = DEFAULT_E_MAX_J) -> float:
    return (e_max_j - energy_j) / e_max_j


@dataclass(frozen=True)
class ModelScore:
    model: str
    rt: float
    en: float
    qoe: float
    acc: float
    score: float
    frames: int
    completed: int
    dropped: int


@dataclass(frozen=True)
class ScenarioScore:
    scenario: str
    score: float
    rt: float
    en: float
    qoe: float
    models: dict[str, ModelScore]

    def to_dict(self) -> dict:
        return {
            "scenario": self.scenario, "score": self.score, "rt": self.rt, "en": self.en,
            "qoe": self.qoe, "models": {m: asdict(s) for m, s in self.models.items()},
        }


def score_model(trace: Trace, name: str, acc: float, k_per_ms: float, e_max_j: float,
                extra_energy_j: Mapping[tuple[str, int], float] | None = None) -> ModelScore:
    records = trace.of_model(name)
    done = [r for r in records if not r.dropped]
    frames, dropped = len(records), len(records) - len(done)
    if frames == 0:
        return ModelScore(name, 0.0, 0.0, 0.0, acc, 0.0, 0, 0, 0)
    rts = [realtime_score(units.s_to_ms(r.lateness_s), k_per_ms) for r in done]
    extra = extra_energy_j or {}
    ens = [energy_score(r.energy_j + extra.get((r.model, r.frame), 0.0), e_max_j) for r in done]
    qoe = 1.0 - dropped / frames
    total = sum(rt * en * acc for rt, en in zip(rts, ens, strict=True))
    return ModelScore(
        model=name,
        rt=sum(rts) / len(done) if done else 0.0,
        en=sum(ens) / len(done) if done else 0.0,
        qoe=qoe,
        acc=acc,
        score=total / frames * qoe,
        frames=frames,
        completed=len(done),
        dropped=dropped,
    )


def xrbench_score(trace: Trace, scenario: Scenario, *, k_per_ms: float = DEFAULT_K_PER_MS,
                  e_max_j: float = DEFAULT_E_MAX_J,
                  extra_energy_j: Mapping[tuple[str, int], float] | None = None) -> ScenarioScore:
    """The scenario's score and its RT / EN / QoE bars (each a mean over its models).
    ``extra_energy_j`` adds energy to an inference's own, by (model, frame): its share of
    the static energy when the run option ``score_static`` is on."""
    per_model: dict[str, ModelScore] = {}
    for use in scenario.uses:
        model = scenario.models[use.model]
        acc = model.accuracy.score if model.accuracy is not None else 1.0
        per_model[use.model] = score_model(trace, use.model, acc, k_per_ms, e_max_j, extra_energy_j)
    n = len(per_model)
    return ScenarioScore(
        scenario=scenario.name,
        score=100.0 * sum(s.score for s in per_model.values()) / n,
        rt=sum(s.rt for s in per_model.values()) / n,
        en=sum(s.en for s in per_model.values()) / n,
        qoe=sum(s.qoe for s in per_model.values()) / n,
        models=per_model,
    )
