"""Usage scenarios: models at their frame rates, cascades between them, deadlines.

The cascade graph is a DAG; cycles, unknown models, non-positive FPS and probabilities
outside [0, 1] are rejected when the spec is built. networkx is imported only to name a
cycle or when ``Scenario.dag`` is asked for: its import costs more than a whole run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictFloat, ValidationInfo, field_validator

from xrsim import units
from xrsim.specio import SPEC_CONFIG, repeated
from xrsim.workload.model import Model

if TYPE_CHECKING:
    import networkx as nx

JitterDistribution = Literal["uniform", "normal", "exponential"]


class Jitter(BaseModel):
    """Release jitter of a model's frames: a delay in [0, bound_ms] after the nominal
    release, drawn per frame from ``distribution`` (defined in docs/engine.md). Only the
    default engine mode applies it; the deadline stays on the nominal grid."""

    model_config = SPEC_CONFIG
    distribution: JitterDistribution = "uniform"
    bound_ms: StrictFloat = Field(ge=0)

    @property
    def bound_s(self) -> float:
        return units.ms_to_s(self.bound_ms)


class ModelUse(BaseModel):
    """One model of a scenario: its frame rate, phase, jitter and per-frame deadline."""

    model_config = SPEC_CONFIG
    model: str = Field(min_length=1)
    fps: StrictFloat = Field(gt=0)
    deadline_ms: StrictFloat | None = Field(default=None, gt=0)
    phase_ms: StrictFloat = Field(default=0.0, ge=0)
    jitter: Jitter | None = None

    @property
    def period_s(self) -> float:
        return 1.0 / self.fps

    @property
    def deadline_s(self) -> float:
        """Relative deadline; defaults to the period."""
        return units.ms_to_s(self.deadline_ms) if self.deadline_ms is not None else self.period_s

    @property
    def phase_s(self) -> float:
        """Offset of frame 0's nominal release from time 0 (default mode only)."""
        return units.ms_to_s(self.phase_ms)


class Cascade(BaseModel):
    """``to`` runs on frame f only after ``from`` finished frame f, with ``probability``."""

    model_config = SPEC_CONFIG | ConfigDict(populate_by_name=True)
    upstream: str = Field(alias="from", min_length=1)
    downstream: str = Field(alias="to", min_length=1)
    probability: StrictFloat = Field(default=1.0, ge=0.0, le=1.0)


class ScenarioSpec(BaseModel):
    model_config = SPEC_CONFIG

    name: str = Field(min_length=1)
    description: str | None = None
    suite: str | None = None
    models: tuple[ModelUse, ...] = Field(min_length=1)
    cascades: tuple[Cascade, ...] = ()

    @field_validator("models")
    @classmethod
    def _unique_models(cls, uses: tuple[ModelUse, ...]) -> tuple[ModelUse, ...]:
        twice = repeated([use.model for use in uses])
        if twice:
            raise ValueError(f"model(s) listed twice: {', '.join(twice)}")
        return uses

    @field_validator("cascades")
    @classmethod
    def _cascades_form_a_dag(cls, cascades: tuple[Cascade, ...], info: ValidationInfo
                             ) -> tuple[Cascade, ...]:
        uses = info.data.get("models")
        if uses is None:  # the models field failed already; that error is reported
            return cascades
        names = [use.model for use in uses]
        for i, edge in enumerate(cascades):
            for key, end in (("from", edge.upstream), ("to", edge.downstream)):
                if end not in names:
                    raise ValueError(
                        f"cascade {i} ({key}) names '{end}', which is not among the scenario's models "
                        f"({', '.join(names)})"
                    )
        seen: dict[tuple[str, str], int] = {}
        for i, edge in enumerate(cascades):
            first = seen.setdefault((edge.upstream, edge.downstream), i)
            if first != i:
                raise ValueError(
                    f"cascade {i} repeats cascade {first} ({edge.upstream} -> {edge.downstream}); "
                    "give each pair once, with the probability it should have")
        if not _acyclic(names, cascades):
            import networkx as nx

            cycle = nx.find_cycle(_graph(names, cascades))
            path = " -> ".join([u for u, _ in cycle] + [cycle[0][0]])
            raise ValueError(f"cascades form a cycle: {path}")
        return cascades


def _acyclic(models: list[str], cascades: tuple[Cascade, ...]) -> bool:
    """Kahn's algorithm: every model can be taken once all its upstreams are."""
    upstreams = {m: {e.upstream for e in cascades if e.downstream == m} for m in models}
    done: set[str] = set()
    ready = [m for m in models if not upstreams[m]]
    while ready:
        done.add(ready.pop())
        ready.extend(m for m in models if m not in done and m not in ready and upstreams[m] <= done)
    return len(done) == len(models)


def _graph(models: list[str], cascades: tuple[Cascade, ...]) -> nx.DiGraph:
    import networkx as nx

    graph = nx.DiGraph()
    graph.add_nodes_from(models)
    for edge in cascades:
        graph.add_edge(edge.upstream, edge.downstream, probability=edge.probability)
    return graph


@dataclass(frozen=True)
class Scenario:
    """A scenario spec with its models resolved."""

    spec: ScenarioSpec
    models: Mapping[str, Model] = field(repr=False)
    path: Path | None = None  # the file it came from, for error messages
    model_files: Mapping[str, Path] = field(default_factory=dict, repr=False)
    """Where each model was read from: files a run reads, which its outputs must not overwrite."""

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def uses(self) -> tuple[ModelUse, ...]:
        return self.spec.models

    @cached_property
    def dag(self) -> nx.DiGraph:
        return _graph([u.model for u in self.spec.models], self.spec.cascades)

    def upstreams(self, model: str) -> list[str]:
        """The models whose frame f must complete before ``model`` runs frame f."""
        return [e.upstream for e in self.spec.cascades if e.downstream == model]

    def trigger_probability(self, model: str) -> float:
        """Probability that a frame slot of ``model`` creates a request.

        With several incoming cascades the probabilities multiply (independent draws).
        """
        p = 1.0
        for edge in self.spec.cascades:
            if edge.downstream == model:
                p *= edge.probability
        return p
