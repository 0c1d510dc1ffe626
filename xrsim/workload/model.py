"""A DNN model: an ordered list of layers, with an optional accuracy target."""

from __future__ import annotations

import hashlib
from functools import cached_property

from pydantic import BaseModel, Field, StrictFloat, field_validator

from xrsim.specio import SPEC_CONFIG, repeated
from xrsim.workload.layers import Layer


class Accuracy(BaseModel):
    """The paper's accuracy term: achieved / target, saturating at 1."""

    model_config = SPEC_CONFIG
    metric: str = "accuracy"
    target: StrictFloat = Field(gt=0)
    achieved: StrictFloat = Field(ge=0)

    @property
    def score(self) -> float:
        return min(1.0, self.achieved / self.target)


class Model(BaseModel):
    model_config = SPEC_CONFIG

    name: str = Field(min_length=1)
    task: str | None = None
    source: str | None = None
    accuracy: Accuracy | None = None
    layers: tuple[Layer, ...] = Field(min_length=1)

    @field_validator("layers")
    @classmethod
    def _names_unique(cls, layers: tuple[Layer, ...]) -> tuple[Layer, ...]:
        # per-layer costs, block records and `costs --layer` name layers: a repeat (a
        # copied line, mostly) would make two layers one
        names = [layer.name for layer in layers]
        if len(set(names)) != len(names):
            raise ValueError(f"layer names must be unique; repeated: {', '.join(repeated(names))}")
        return layers

    @property
    def total_macs(self) -> int:
        return sum(layer.macs for layer in self.layers)

    @cached_property
    def layer_names(self) -> tuple[str, ...]:
        """The layers' names, in order (every per-layer cost carries them)."""
        return tuple(layer.name for layer in self.layers)

    @cached_property
    def content_hash(self) -> str:
        """A hash of what the layers compute (not of names), for cost caches."""
        text = "\n".join(layer.model_dump_json(exclude={"name"}) for layer in self.layers)
        return hashlib.sha256(text.encode()).hexdigest()[:16]
