"""How a default-mode run is simulated: scheduler, placement, granularity, preemption,
shared DRAM, drop policy, warm-up. A pydantic spec, so that it can live in a YAML file
(``--config``) as well as come from keyword arguments and command-line flags."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, StrictFloat, ValidationInfo, field_validator

from xrsim import units
from xrsim.registry import Registry
from xrsim.sim.governors import GOVERNORS
from xrsim.sim.placement import PLACEMENTS
from xrsim.sim.schedulers.base import SCHEDULERS
from xrsim.specio import SPEC_CONFIG, read_yaml, validate_spec

DropPolicy = Literal["deadline", "never", "predicted_miss"]


@dataclass(frozen=True)
class Granularity:
    """``model`` (``layers_per_block`` None) or ``block:N`` (N layers per block)."""

    layers_per_block: int | None = None

    @classmethod
    def parse(cls, text: str) -> Granularity:
        if text == "model":
            return cls(None)
        head, _, count = text.partition(":")
        if head == "block" and count.isdigit() and int(count) >= 1:
            return cls(int(count))
        raise ValueError("expected 'model' or 'block:N' with N a whole number >= 1")


class SimConfig(BaseModel):
    """Options of the default engine; every field has a default, so ``SimConfig()`` is a
    valid run: EDF, latency-greedy placement, whole models, no preemption."""

    model_config = SPEC_CONFIG
    scheduler: str = Field(default="edf", description="which waiting frame runs next")
    placement: str = Field(default="latency_greedy", description="on which idle sub-accelerator a frame runs")
    affinity: dict[str, str] = Field(
        default_factory=dict, description="model -> sub-accelerator name, for placement 'affinity'")
    granularity: str = Field(default="model",
                             description="model (whole models) or block:N (N layers a block)")
    preemptive: bool = Field(default=False, description=(
        "with blocks: a waiting frame of higher priority takes over at the next block boundary"))
    migration: bool = Field(default=False, description=(
        "a preempted frame may resume on another sub-accelerator, at migration_cost_ms"))
    migration_cost_ms: StrictFloat = Field(default=0.05, ge=0, description="time a migration costs, in ms")
    shared_dram: bool | None = Field(
        default=None, description=(
            "sub-accelerators share the DRAM bandwidth (default: as the hardware spec's dram.shared)"))
    drop_policy: DropPolicy = Field(default="deadline", description=(
        "when a waiting frame is dropped: at its deadline, never, or once it is predicted to miss"))
    warmup_s: StrictFloat = Field(default=0.0, ge=0, description=(
        "leave frames released before this time (s) out of scores and statistics"))
    dvfs_governor: str = Field(default="fixed", description=(
        "DVFS governor choosing each block's operating point on sub-accelerators that list "
        "operating_points: fixed, race_to_idle or slack"))
    record_blocks: bool = Field(default=False, description="record one trace record per layer block")
    rng: str = Field(default="numpy", description=(
        "the random streams (jitter, cascade triggers): numpy, one seeded stream per model and "
        "purpose; only mode xrbench can also draw as the reference does"))

    @field_validator("affinity")
    @classmethod
    def _affinity(cls, value: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        """A map with another placement, or placement 'affinity' without one, would be ignored."""
        placement = info.data.get("placement")
        if value and placement not in (None, "affinity"):
            raise ValueError(f"applies to placement 'affinity' only (placement is '{placement}')")
        if not value and placement == "affinity":
            raise ValueError("placement 'affinity' needs a map of model -> sub-accelerator")
        return value

    @field_validator("rng")
    @classmethod
    def _numpy_only(cls, value: str) -> str:
        if value == "reference":
            raise ValueError("only mode 'xrbench' draws as the reference does (its event grid is what "
                             "the draws follow); mode 'default' draws from numpy")
        if value != "numpy":
            raise ValueError(f"unknown random stream '{value}'; known: numpy (and reference in mode xrbench)")
        return value

    @field_validator("granularity")
    @classmethod
    def _granularity(cls, value: str) -> str:
        Granularity.parse(value)
        return value

    @field_validator("preemptive")
    @classmethod
    def _preemptive(cls, value: bool, info: ValidationInfo) -> bool:
        """Preemption happens at block boundaries; a whole model has none inside it."""
        if value and info.data.get("granularity", "model") == "model":
            raise ValueError("needs block boundaries to preempt at: use granularity 'block:N'")
        return value

    @field_validator("migration")
    @classmethod
    def _migration(cls, value: bool, info: ValidationInfo) -> bool:
        """Frames only move at the boundaries where preemption lets them rejoin the queue."""
        if value and not info.data.get("preemptive", False):
            raise ValueError("a frame migrates only when it rejoins the queue at a block boundary: "
                             "needs preemptive")
        return value

    @field_validator("scheduler", "placement", "dvfs_governor")
    @classmethod
    def _registered(cls, value: str, info: ValidationInfo) -> str:
        registries: dict[str, Registry[Any]] = {
            "scheduler": SCHEDULERS, "placement": PLACEMENTS, "dvfs_governor": GOVERNORS}
        registry = registries[info.field_name or ""]
        if value not in registry:
            raise ValueError(registry.unknown(value))
        return value

    @property
    def granularity_spec(self) -> Granularity:
        return Granularity.parse(self.granularity)

    @property
    def migration_cost_s(self) -> float:
        return units.ms_to_s(self.migration_cost_ms)


def load_sim_config(path: str | Path) -> SimConfig:
    """A SimConfig from a YAML file; errors name the file and the field."""
    return validate_spec(SimConfig, read_yaml(Path(path)), path)
