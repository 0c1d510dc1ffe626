"""Every run option, defined once.

The options every mode takes are the fields of ``CommonOptions``; each engine's own
options are the fields of its ``options_type`` (``SimConfig`` for mode ``default``). A
field's type, default and description are the option's; ``OPTIONS`` lists them all with
the modes they apply to. The ``run`` command's flags, ``simulate``'s checks and the
sweep's axes are all derived from it, so an option added to a model appears everywhere.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StrictFloat, StrictInt
from pydantic.fields import FieldInfo

from xrsim.cost import COST_BACKENDS
from xrsim.errors import SpecError
from xrsim.metrics.xrbench_score import DEFAULT_E_MAX_J, DEFAULT_K_PER_MS
from xrsim.registry import Registry
from xrsim.sim.engines import ENGINES, get_engine
from xrsim.sim.governors import GOVERNORS
from xrsim.sim.placement import PLACEMENTS
from xrsim.sim.schedulers.base import SCHEDULERS
from xrsim.specio import SPEC_CONFIG, read_yaml, validate_spec

Positive = Annotated[StrictFloat, Field(gt=0)]


class CommonOptions(BaseModel):
    """The options of every mode."""

    model_config = SPEC_CONFIG
    mode: str = Field(default="default", description="the engine: " + "; ".join(
        f"{name}: {ENGINES.get(name).summary}" for name in ENGINES.names()))
    costs: str | None = Field(default=None, description="cost backend (default: " + ", ".join(
        f"{ENGINES.get(m).default_costs} in mode {m}" for m in ENGINES.names()) + ")")
    seed: StrictInt = Field(default=0, ge=0, le=2**63 - 1, description="seed of the run's random streams")
    duration_s: Positive | None = Field(
        default=None, description="simulated time in s (default: the reference's 0.7 s)")
    k_per_ms: Positive = Field(default=DEFAULT_K_PER_MS,
                               description="steepness of the real-time score, per ms (XRBench's 15)")
    e_max_j: Positive = Field(default=DEFAULT_E_MAX_J,
                              description="energy per frame that scores 0 on energy, in J (XRBench's 1.5)")
    score_static: bool = Field(default=False, description=(
        "count each inference's share of the static (leakage) energy in the XRBench energy score; "
        "off: dynamic energy only, as the reference"))


CONFIG_OPTION = "config"
"""An engine's options from a YAML file; options given beside it override the file's."""

NAMED_BY: dict[str, Registry[Any]] = {
    "mode": ENGINES, "costs": COST_BACKENDS, "scheduler": SCHEDULERS, "placement": PLACEMENTS,
    "dvfs_governor": GOVERNORS}
"""Options whose values are names in a registry: their choices are its names."""


@dataclass(frozen=True)
class Option:
    """One run option: what ``run --help``, the sweep spec and ``simulate`` know of it.

    ``kind`` is the scalar type a command-line value parses to (None: the option cannot
    be given as one flag, e.g. a mapping; it lives in a config file).
    """

    name: str
    kind: type | None
    default: Any
    help: str
    modes: tuple[str, ...]
    choices: tuple[str, ...] | None = None

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    @property
    def every_mode(self) -> bool:
        return set(self.modes) == set(ENGINES.names())


def _scalar(annotation: Any) -> tuple[type | None, tuple[str, ...] | None]:
    """The scalar type (and Literal choices) behind an annotation such as
    ``StrictFloat | None`` or ``Literal['a', 'b']``; (None, None) for containers."""
    origin = typing.get_origin(annotation)
    if origin is Literal:
        return str, tuple(str(a) for a in typing.get_args(annotation))
    if origin is Annotated:
        return _scalar(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        kinds = [_scalar(a) for a in typing.get_args(annotation) if a is not type(None)]
        return kinds[0] if len(kinds) == 1 else (None, None)
    if annotation in (bool, int, float, str):
        return annotation, None
    return None, None


def _option(name: str, info: FieldInfo, modes: tuple[str, ...]) -> Option:
    kind, choices = _scalar(info.annotation)
    if name in NAMED_BY:
        choices = tuple(NAMED_BY[name].names())
    default = None if info.is_required() else info.get_default(call_default_factory=True)
    return Option(name=name, kind=kind, default=default, help=info.description or "", modes=modes,
                  choices=choices)


def _all_options() -> dict[str, Option]:
    every = tuple(ENGINES.names())
    options = {name: _option(name, info, every) for name, info in CommonOptions.model_fields.items()}
    configurable = tuple(m for m in every if ENGINES.get(m).options_type is not None)
    options[CONFIG_OPTION] = Option(
        name=CONFIG_OPTION, kind=Path, default=None, modes=configurable,
        help="the engine's options as a YAML file; options given beside it take precedence")
    for mode in configurable:
        options_type = ENGINES.get(mode).options_type
        assert options_type is not None
        for name, info in options_type.model_fields.items():
            modes = tuple(m for m in every
                          if (t := ENGINES.get(m).options_type) is not None and name in t.model_fields)
            option = _option(name, info, modes)
            known = options.setdefault(name, option)
            if known is not option and len(option.choices or ()) > len(known.choices or ()):
                options[name] = option  # an option of two engines: the one that offers more
    return options


OPTIONS: dict[str, Option] = _all_options()
"""Every run option by name: the common ones first, then each engine's."""


@dataclass(frozen=True)
class RunOptions:
    """A run's options, resolved: every default filled in and every value checked."""

    mode: str
    costs: str
    seed: int
    duration_s: float
    k_per_ms: float
    e_max_j: float
    engine_options: BaseModel | None
    score_static: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Every value that shapes the run, for keys and manifests."""
        engine = self.engine_options.model_dump() if self.engine_options is not None else None
        return {"mode": self.mode, "costs": self.costs, "seed": self.seed,
                "duration_s": self.duration_s, "k_per_ms": self.k_per_ms, "e_max_j": self.e_max_j,
                "score_static": self.score_static, "engine": engine}


def not_in_mode(name: str, mode: str, source: str | Path | None) -> SpecError:
    modes = OPTIONS[name].modes
    return SpecError(source, name, f"applies to mode {' or '.join(repr(m) for m in modes)} only, and "
                                   f"this run's mode is '{mode}'")


def _engine_options(mode: str, given: Mapping[str, Any], source: str | Path | None) -> BaseModel | None:
    options_type = ENGINES.get(mode).options_type
    own = {k: v for k, v in given.items() if k not in CommonOptions.model_fields and k != CONFIG_OPTION}
    for name in [*own, *([CONFIG_OPTION] if CONFIG_OPTION in given else [])]:
        if mode not in OPTIONS[name].modes:
            raise not_in_mode(name, mode, source)
    if options_type is None:
        return None
    base = given.get(CONFIG_OPTION)
    data: dict[str, Any] = {}
    if isinstance(base, BaseModel):
        data = base.model_dump()
    elif base is not None:
        data = validate_spec(options_type, read_yaml(Path(base)), base).model_dump()
    data.update(own)
    return validate_spec(options_type, data, source)


def resolve_options(values: Mapping[str, Any], source: str | Path | None = None) -> RunOptions:
    """Check ``values`` (option name -> value; None means not given) and fill in defaults.

    Errors are SpecErrors naming ``source`` and the option: an unknown name, a value of
    the wrong type, an option that the run's mode does not take.
    """
    given = {k: v for k, v in values.items() if v is not None}
    unknown = sorted(set(given) - set(OPTIONS))
    if unknown:
        raise SpecError(source, unknown[0], f"unknown run option; known: {', '.join(OPTIONS)}")
    mode = given.get("mode", "default")
    if not isinstance(mode, str) or mode not in ENGINES:
        raise SpecError(source, "mode", ENGINES.unknown(str(mode)))
    common = validate_spec(CommonOptions, {k: v for k, v in given.items() if k in CommonOptions.model_fields},
                           source)
    engine_options = _engine_options(mode, given, source)
    engine = get_engine(mode)
    costs = common.costs or engine.default_costs
    if costs not in COST_BACKENDS:
        raise SpecError(source, "costs", COST_BACKENDS.unknown(costs))
    return RunOptions(mode=mode, costs=costs, seed=common.seed,
                      duration_s=common.duration_s or engine.default_duration_s,
                      k_per_ms=common.k_per_ms, e_max_j=common.e_max_j, engine_options=engine_options,
                      score_static=common.score_static)
