"""The ``search:`` block of a sweep spec: a multi-objective design-space search instead of
a grid. This module only reads and checks it (it does not import Optuna); ``search.py``
runs it. docs/sweep.md documents it.

Objectives and constraints name a measure: a metric of a sweep row (any numeric column of
``runs.csv``: ``store.METRIC_COLUMNS``), optionally under an aggregate over the trial's runs
(its scenarios and seeds), ``mean(score)``; a bare metric is its mean. Each is a string
parsed strictly:

- an objective: ``"mean(score) max"``, ``"total_pes min"``;
- a constraint: ``"total_pes <= 2048"``, ``"min(score) >= 60"`` (``<=``, ``>=``, ``<``, ``>``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import AfterValidator, BaseModel, Field, StrictInt, model_validator

from xrsim.specio import SPEC_CONFIG, field_error
from xrsim.sweep import store

AGGREGATES: dict[str, Any] = {"mean": np.mean, "median": np.median, "min": np.min, "max": np.max,
                              "std": np.std, "sum": np.sum}
"""How a measure folds the values of a trial's runs (its scenarios x seeds) into one."""

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_MEASURE = rf"(?:(?P<agg>{_NAME})\(\s*(?P<inner>{_NAME})\s*\)|(?P<bare>{_NAME}))"
_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_OBJECTIVE = re.compile(rf"\s*{_MEASURE}\s+(?P<goal>max|min)\s*")
_CONSTRAINT = re.compile(rf"\s*{_MEASURE}\s*(?P<op><=|>=|<|>)\s*(?P<bound>{_NUMBER})\s*")


@dataclass(frozen=True)
class Measure:
    """``aggregate(metric)`` over a trial's runs."""

    aggregate: str
    metric: str

    @property
    def label(self) -> str:
        return f"{self.aggregate}({self.metric})"

    def of(self, values: list[float]) -> float:
        return float(AGGREGATES[self.aggregate](np.array(values, dtype=float)))


@dataclass(frozen=True)
class Objective:
    measure: Measure
    goal: Literal["max", "min"]

    @property
    def label(self) -> str:
        return self.measure.label


@dataclass(frozen=True)
class Constraint:
    measure: Measure
    op: str
    bound: float

    @property
    def label(self) -> str:
        return f"{self.measure.label} {self.op} {self.bound:g}"

    def violation(self, value: float) -> float:
        """How far ``value`` is outside the bound: <= 0 feasible (Optuna's convention)."""
        over = value - self.bound if self.op in ("<=", "<") else self.bound - value
        if self.op in ("<", ">") and over == 0:
            return math.ulp(1.0)  # on a strict bound is outside it
        return over


def _measure(match: re.Match[str]) -> Measure:
    aggregate, metric = (match["agg"], match["inner"]) if match["bare"] is None else ("mean", match["bare"])
    if aggregate not in AGGREGATES:
        raise ValueError(f"unknown aggregate '{aggregate}'; known: {', '.join(AGGREGATES)}")
    if metric not in store.METRIC_COLUMNS:  # looked up now: the columns grow with the rows
        known = ", ".join(store.METRIC_COLUMNS)
        raise ValueError(f"unknown metric '{metric}'; a sweep row's metrics: {known}")
    return Measure(aggregate, metric)


def parse_objective(text: str) -> Objective:
    match = _OBJECTIVE.fullmatch(text)
    if match is None:
        raise ValueError(f"'{text}' is not an objective: write 'METRIC max', 'METRIC min' or "
                         "'AGGREGATE(METRIC) max', e.g. 'mean(score) max'")
    goal: Literal["max", "min"] = "max" if match["goal"] == "max" else "min"
    return Objective(_measure(match), goal)


def parse_constraint(text: str) -> Constraint:
    match = _CONSTRAINT.fullmatch(text)
    if match is None:
        raise ValueError(f"'{text}' is not a constraint: write 'METRIC <= NUMBER' (or >=, <, >), "
                         "optionally with an aggregate, e.g. 'mean(score) >= 60'")
    bound = float(match["bound"])
    if not math.isfinite(bound):
        raise ValueError(f"'{text}': the bound must be a finite number")
    return Constraint(_measure(match), match["op"], bound)


def _check_objective(text: str) -> str:
    parse_objective(text)
    return text


def _check_constraint(text: str) -> str:
    parse_constraint(text)
    return text


ObjectiveText = Annotated[str, AfterValidator(_check_objective)]
ConstraintText = Annotated[str, AfterValidator(_check_constraint)]


class SpaceSpec(BaseModel):
    """What a trial chooses. Each key takes one value (fixed), a list (choices) or a range
    ``{low, high, step?, log?}`` (an int range if low and high are ints, else a float range)."""

    model_config = SPEC_CONFIG
    generate: dict[str, Any] | None = Field(default=None, description=(
        "the design generator's keys (docs/sweep.md, Generated designs): a trial generates one design"))
    set: dict[str, Any] = Field(default_factory=dict, description="hardware overrides by dotted path")


class SearchSpec(BaseModel):
    model_config = SPEC_CONFIG
    algorithm: Literal["nsga2", "tpe", "random"]
    trials: StrictInt = Field(ge=1, le=100_000, description="designs to evaluate (trials asked)")
    batch: StrictInt = Field(default=8, ge=1, le=1024, description=(
        "trials asked at once and run in parallel before they are told back; part of the search's "
        "definition (not the machine's), so that the result does not depend on the worker count"))
    seed: StrictInt = Field(default=0, ge=0, le=2**32 - 1, description="the sampler's seed")
    population_size: StrictInt | None = Field(default=None, ge=2, description=(
        "nsga2's population (default: 2 x batch, at least 8)"))
    objectives: list[ObjectiveText] = Field(min_length=1)
    constraints: list[ConstraintText] = Field(default_factory=list)
    space: SpaceSpec

    @model_validator(mode="after")
    def _population_for_nsga2(self) -> SearchSpec:
        if self.population_size is not None and self.algorithm != "nsga2":
            raise field_error("SearchSpec", "population_size", "applies to algorithm nsga2 only",
                              self.population_size)
        return self

    def parsed_objectives(self) -> list[Objective]:
        return [parse_objective(t) for t in self.objectives]

    def parsed_constraints(self) -> list[Constraint]:
        return [parse_constraint(t) for t in self.constraints]

    def nsga2_population(self) -> int:
        return self.population_size or max(8, 2 * self.batch)
