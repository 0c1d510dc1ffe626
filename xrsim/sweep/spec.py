"""The experiment spec of a sweep (YAML): designs, scenarios, seeds, run options and
hardware overrides, each a single value or a list (an axis), combined as a grid or a zip.

Every run option of ``xrsim.options.OPTIONS`` is a top-level key under its own name, so
the spec grows with the options without a change here. docs/sweep.md documents it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, StrictInt, create_model, model_validator

from xrsim.options import OPTIONS
from xrsim.specio import SPEC_CONFIG, field_error, read_yaml, validate_spec
from xrsim.sweep.search_spec import SearchSpec

SWEEP_OPTIONS: tuple[str, ...] = tuple(name for name, o in OPTIONS.items() if o.kind is not None)
"""Run options a sweep can set: those one value gives (a mapping such as ``affinity``
lives in an engine ``config`` file, which is an option too)."""


class SeedRange(BaseModel):
    """``{first: F, count: N}``: seeds F ... F + N - 1 (the reference's runs used 1, 2, ...)."""

    model_config = SPEC_CONFIG
    first: StrictInt = Field(ge=0)
    count: StrictInt = Field(ge=1)


class _SweepBase(BaseModel):
    model_config = SPEC_CONFIG
    name: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$", description=(
        "names the results folder out/<name>: letters, digits, '_', '-' and '.' (no path); "
        "default: the file's stem"))
    description: str | None = None
    designs: list[str | dict[str, Any]] = Field(default_factory=list, description=(
        "required, unless a search generates its designs (search.space.generate)"))
    scenarios: str | list[str] = Field(min_length=1)
    seeds: StrictInt | list[StrictInt] | SeedRange = 1
    set: dict[str, Any] = Field(default_factory=dict)
    combine: Literal["grid", "zip"] = "grid"
    zip: list[str] = Field(default_factory=list, description=(
        "axes to pair up element by element (like combine: zip) before the grid crosses them with "
        "the others; option names or set.<path>"))
    search: SearchSpec | None = Field(default=None, description=(
        "a multi-objective search over a design space instead of a grid (docs/sweep.md)"))

    @model_validator(mode="after")
    def _some_designs(self) -> _SweepBase:
        if not self.designs and (self.search is None or self.search.space.generate is None):
            raise field_error("SweepSpec", "designs", "give at least one design (or, in a search, "
                              "search.space.generate)", self.designs)
        return self


SweepSpec: type[_SweepBase] = create_model(  # type: ignore[call-overload]
    "SweepSpec", __base__=_SweepBase,
    **{name: (Any, Field(default=None, description=OPTIONS[name].help)) for name in SWEEP_OPTIONS})
"""The spec as written: ``_SweepBase``'s keys plus one per run option (a value or a list)."""


def load_sweep_spec(path: str | Path) -> _SweepBase:
    """A sweep spec from YAML; errors name the file and the field."""
    return validate_spec(SweepSpec, read_yaml(Path(path)), path)


def spec_from_mapping(data: dict[str, Any], source: str | Path | None = None) -> _SweepBase:
    return validate_spec(SweepSpec, data, source)


def option_axes(spec: _SweepBase) -> dict[str, list[Any]]:
    """Each run option the spec gives, as a list of its values (a single value: one)."""
    axes = {}
    for name in SWEEP_OPTIONS:
        value = getattr(spec, name)
        if value is not None:
            axes[name] = list(value) if isinstance(value, list) else [value]
    return axes

