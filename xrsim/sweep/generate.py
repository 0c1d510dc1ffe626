"""The design generator: the ways to spend a PE budget, as ordinary hardware systems.

Architects ask how to spend a PE budget; a ``generate`` block of a sweep spec answers with
every design of a family. Every list-valued key is an axis and the designs are the
cartesian product, in the order pe_budget, split, dataflows, then the hardware keys in
GenerateSpec's field order (each axis in the order given).

- ``split``: ``single`` = [1], ``dual`` = [1/2, 1/2], ``quad`` = [1/4] x 4,
  ``big_little`` = [3/4, 1/4], ``little_big`` = [1/4, 3/4], or explicit fractions summing
  to 1. Shares are whole multiples of ``pe_multiple`` that add up to the budget exactly
  (largest remainder), so every design of one budget spends the same silicon.
- Each sub-accelerator gets the most square array (rows <= cols), written out as
  ``array``. A share whose array would be more than ``max_aspect`` times wider than tall
  (a prime count: 1 x n) is refused, as is a share of 0 PEs - never silently modelled.
- ``dataflows: all``: every assignment over ``dataflow_choices`` up to symmetry:
  sub-accelerators of equal size are interchangeable (every other key is the same for
  all of them), so within such a group only the multiset of dataflows counts (dual over
  WS/OS/RS: 6 designs, quad: 15, big_little: 9). An explicit assignment (one dataflow per
  sub-accelerator, or a list of them) is taken as given, in order.
- Hardware keys apply to every sub-accelerator; ``ws_variant`` to the WS ones only (it
  means nothing to the others). Defaults are the hardware spec's, so a generated design
  equals the hand-written one with the same keys.

Names, unique within one block and the same on every run::

    [<name_prefix>-]g<pe_budget>-<split>-<dataflows>[-<tag>...]

``<split>`` is the split's name, or ``p`` and its percentages (``p50_25_25``);
``<dataflows>`` the sub-accelerators' dataflows in order, joined by ``+``; then one tag
per hardware key with more than one value, in field order: ``energy_table`` its name,
``dram128`` (dram_gb_per_s), ``dram-shared`` / ``dram-private``, ``clk1.5`` (clock_ghz),
``w8`` (word_bits), ``peb8192`` (pe_buffer_bytes), ``gb2048`` (global_buffer_kib),
``noc128`` (noc_words_per_cycle), ``lanes64`` / ``lanes-cols`` (vector_lanes),
``ws_variant`` its value, ``rso1.136`` (rs_overhead), ``ov0.5`` (overlap). E.g.
``g4096-big_little-WS+OS-gb2048``. Sub-accelerators are ``acc0``, ``acc1``, ...
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    Discriminator,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    Tag,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from xrsim.errors import SpecError
from xrsim.hardware.energy import ENERGY_TABLES
from xrsim.hardware.spec import (
    DATAFLOWS,
    MAX_ASPECT,
    BufferKib,
    ClockGhz,
    Dataflow,
    DegenerateArrayError,
    HardwareSystem,
    Lanes,
    MemoryType,
    NumPes,
    OperatingPoint,
    Overlap,
    PeBufferBytes,
    PowerGating,
    Rate,
    RsOverhead,
    SubAccelerator,
    TechnologyNm,
    WordBits,
    WsVariant,
    square_array,
)
from xrsim.specio import SPEC_CONFIG, field_error, repeated, spec_error_from_validation, validate_spec

SPLITS: dict[str, tuple[float, ...]] = {
    "single": (1.0,),
    "dual": (0.5, 0.5),
    "quad": (0.25, 0.25, 0.25, 0.25),
    "big_little": (0.75, 0.25),
    "little_big": (0.25, 0.75),
}
DEFAULT_DATAFLOW_CHOICES: tuple[Dataflow, ...] = ("WS", "OS", "RS")
"""XRBench's three, which every cost backend has; IS (analytical only) on request."""
FRACTION_SUM_TOLERANCE = 1e-9
SYSTEM_KEYS = ("energy_table", "technology_nm", "dram_gb_per_s", "dram_shared", "dram_memory_type")
SUB_KEYS = ("clock_ghz", "word_bits", "pe_buffer_bytes", "global_buffer_kib", "noc_words_per_cycle",
            "vector_lanes", "ws_variant", "rs_overhead", "overlap", "power_gating", "operating_points",
            "operating_point")
"""Every SubAccelerator key but name, dataflow, num_pes and array (which the generator sets)."""
HARDWARE_KEYS = SYSTEM_KEYS + SUB_KEYS


def _split_kind(value: object) -> str | None:
    if isinstance(value, str):
        return "name"
    return "fractions" if isinstance(value, (list, tuple)) else None


Share = Annotated[StrictFloat, Field(gt=0, le=1)]
Split = Annotated[
    Annotated[StrictStr, Tag("name")]
    | Annotated[tuple[Share, ...], Field(min_length=1), Tag("fractions")],
    Discriminator(_split_kind, custom_error_type="split_type",
                  custom_error_message="expected a split name or a list of fractions"),
]
"""A name in SPLITS or the fractions of the budget each sub-accelerator gets."""
SplitValue = str | tuple[float, ...]
"""A validated Split."""


def _sub_default(key: str) -> Any:
    """The hardware spec's default, so that leaving a key out means the same in both."""
    return SubAccelerator.model_fields[key].default


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_single(key: str, value: object) -> bool:
    """Whether a key's value is one value rather than a list of them (an axis)."""
    if not isinstance(value, (list, tuple)):
        return True
    if key == "split":  # a list of numbers is one explicit split
        return bool(value) and all(_is_number(v) for v in value)
    if key == "operating_points":  # a list of points is one set of them
        return bool(value) and all(isinstance(v, (dict, OperatingPoint)) for v in value)
    return False


def _number_label(value: float) -> str:
    """Shortest exact text of a number: 2048.0 -> '2048', 1.136 -> '1.136'."""
    return str(int(value)) if float(value).is_integer() and abs(value) < 2**53 else repr(value)


def split_label(split: SplitValue) -> str:
    """'dual', or 'p' and the percentages of explicit fractions: (0.5, 0.25, 0.25) -> 'p50_25_25'."""
    if isinstance(split, str):
        return split
    percents = (Decimal(repr(f)) * 100 for f in split)
    return "p" + "_".join(format(p.normalize(), "f") for p in percents)


def split_fractions(split: SplitValue) -> tuple[float, ...]:
    return SPLITS[split] if isinstance(split, str) else split


def _value_label(key: str, value: Any) -> str:
    """A hardware key's tag in a design name (see the module docstring)."""
    if key == "dram_shared":
        return "dram-shared" if value else "dram-private"
    if key == "vector_lanes" and value is None:
        return "lanes-cols"
    if key == "dram_memory_type" and value is None:
        return "dram-table"
    if key == "power_gating":  # a PowerGating, or the mapping a search space gives
        gating = value if value is None or isinstance(value, PowerGating) else \
            PowerGating.model_validate(value)
        if gating is None or not gating.enabled:
            return "ungated"
        return "gated" + _number_label(gating.wake_up_us)
    if key == "operating_points":  # a tuple of OperatingPoints, or the list a search space gives
        return "dvfs" + str(len(value)) if value else "nodvfs"
    if key == "operating_point":
        return "opnom" if value is None else f"op{value}"
    if isinstance(value, str):
        return value
    prefix = {"dram_gb_per_s": "dram", "clock_ghz": "clk", "word_bits": "w", "pe_buffer_bytes": "peb",
              "global_buffer_kib": "gb", "noc_words_per_cycle": "noc", "vector_lanes": "lanes",
              "rs_overhead": "rso", "overlap": "ov", "technology_nm": "n"}[key]
    return prefix + _number_label(value)


def pe_shares(budget: int, fractions: Sequence[float], multiple: int = 1) -> tuple[int, ...]:
    """PEs per sub-accelerator: whole multiples of ``multiple`` that add up to ``budget``.

    Largest remainder: every share is its fraction of the budget rounded down to a
    multiple, and the multiples left over go to the largest remainders (the first on a
    tie), so a share is off by less than one multiple and the total is exact. The
    fractions are taken as exact binary values and normalised by their sum.
    """
    if budget % multiple:
        raise ValueError(f"pe_budget {budget} is not a multiple of pe_multiple {multiple}, "
                         "so no shares of whole multiples add up to it")
    units = budget // multiple
    exact = [Fraction(f) for f in fractions]
    quotas = [f * units / sum(exact) for f in exact]
    counts = [math.floor(q) for q in quotas]
    by_remainder = sorted(range(len(quotas)), key=lambda i: (counts[i] - quotas[i], i))
    for i in by_remainder[:units - sum(counts)]:
        counts[i] += 1
    return tuple(c * multiple for c in counts)


def dataflow_assignments(shares: Sequence[int], choices: Sequence[str]) -> list[tuple[str, ...]]:
    """Every assignment of ``choices`` to the sub-accelerators up to symmetry: within a group
    of equal shares only the multiset counts (ordered as ``choices``), groups by first position."""
    groups: dict[int, list[int]] = {}
    for i, share in enumerate(shares):
        groups.setdefault(share, []).append(i)
    per_group = [itertools.combinations_with_replacement(choices, len(positions))
                 for positions in groups.values()]
    assignments = []
    for picks in itertools.product(*per_group):
        flows = [""] * len(shares)
        for positions, pick in zip(groups.values(), picks, strict=True):
            for i, flow in zip(positions, pick, strict=True):
                flows[i] = flow
        assignments.append(tuple(flows))
    return assignments


class GenerateSpec(BaseModel):
    """A family of designs: a value gives every design that value, a list is an axis.

    Every check that can fail is made here, so a valid GenerateSpec always generates.
    """

    model_config = SPEC_CONFIG

    pe_budget: tuple[NumPes, ...] = Field(min_length=1, description="total PEs of a design")
    split: tuple[Split, ...] = Field(min_length=1)
    dataflows: Literal["all"] | tuple[tuple[Dataflow, ...], ...] = Field(
        default="all", description="'all' (up to symmetry) or one dataflow per sub-accelerator")
    dataflow_choices: tuple[Dataflow, ...] = Field(default=DEFAULT_DATAFLOW_CHOICES, min_length=1,
                                                   description="what 'all' chooses from")
    pe_multiple: NumPes = Field(
        default=1, description="every share is a multiple of it; 1 keeps the fractions exact")
    max_aspect: Annotated[StrictFloat, Field(ge=1)] = Field(
        default=float(MAX_ASPECT), description="widest cols / rows of a generated array")
    name_prefix: StrictStr | None = Field(
        default=None, pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$",
        description="letters, digits, '_', '-', '.': names become file names")
    energy_table: tuple[StrictStr, ...] = Field(
        default=(HardwareSystem.model_fields["energy_table"].default,), min_length=1)
    dram_gb_per_s: tuple[Rate, ...] = Field(min_length=1)
    dram_shared: tuple[StrictBool, ...] = Field(default=(False,), min_length=1)
    technology_nm: tuple[TechnologyNm, ...] = Field(
        default=(HardwareSystem.model_fields["technology_nm"].default,), min_length=1)
    dram_memory_type: tuple[MemoryType | None, ...] = Field(default=(None,), min_length=1)
    clock_ghz: tuple[ClockGhz, ...] = Field(default=(_sub_default("clock_ghz"),), min_length=1)
    word_bits: tuple[WordBits, ...] = Field(default=(_sub_default("word_bits"),), min_length=1)
    pe_buffer_bytes: tuple[PeBufferBytes, ...] = Field(default=(_sub_default("pe_buffer_bytes"),),
                                                       min_length=1)
    global_buffer_kib: tuple[BufferKib, ...] = Field(min_length=1)
    noc_words_per_cycle: tuple[Rate, ...] = Field(min_length=1)
    vector_lanes: tuple[Lanes | None, ...] = Field(default=(_sub_default("vector_lanes"),), min_length=1)
    ws_variant: tuple[WsVariant, ...] = Field(default=(_sub_default("ws_variant"),), min_length=1)
    rs_overhead: tuple[RsOverhead, ...] = Field(default=(_sub_default("rs_overhead"),), min_length=1)
    overlap: tuple[Overlap, ...] = Field(default=(_sub_default("overlap"),), min_length=1)
    power_gating: tuple[PowerGating | None, ...] = Field(default=(None,), min_length=1)
    operating_points: tuple[tuple[OperatingPoint, ...] | None, ...] = Field(default=(None,), min_length=1)
    operating_point: tuple[StrictInt | None, ...] = Field(default=(None,), min_length=1)

    @field_validator("pe_budget", *HARDWARE_KEYS, mode="before")
    @classmethod
    def _as_axis(cls, value: object, info: ValidationInfo) -> object:
        return [value] if _is_single(info.field_name or "", value) else value

    @field_validator("split", mode="before")
    @classmethod
    def _split_axis(cls, value: object) -> object:
        splits = [value] if _is_single("split", value) else value
        if not isinstance(splits, (list, tuple)):
            return splits
        return [s.lower() if isinstance(s, str) else s for s in splits]

    @field_validator("dataflows", mode="before")
    @classmethod
    def _dataflow_axis(cls, value: object) -> object:
        if isinstance(value, str) and value.lower() == "all":
            return "all"
        if not isinstance(value, (list, tuple)) or not value:
            raise ValueError("expected 'all', a list of dataflows (one per sub-accelerator) "
                             "or a list of such lists")
        assignments = [value] if all(isinstance(v, str) for v in value) else value
        return [_dataflow_names(a) for a in assignments]

    @field_validator("dataflow_choices", mode="before")
    @classmethod
    def _upper_choices(cls, value: object) -> object:
        if isinstance(value, (list, tuple)):
            return [v.upper() if isinstance(v, str) else v for v in value]
        return value

    @field_validator("split")
    @classmethod
    def _known_splits(cls, splits: tuple[SplitValue, ...]) -> tuple[SplitValue, ...]:
        for split in splits:
            if isinstance(split, str) and split not in SPLITS:
                raise ValueError(f"unknown split '{split}'; known: {', '.join(SPLITS)}, "
                                 "or a list of fractions summing to 1")
            total = math.fsum(split_fractions(split))
            if abs(total - 1) > FRACTION_SUM_TOLERANCE:
                raise ValueError(f"fractions {list(split)} sum to {total:g}, not 1")
        return splits

    @field_validator("energy_table")
    @classmethod
    def _known_tables(cls, names: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [n for n in names if n not in ENERGY_TABLES]
        if unknown:
            known = ", ".join(sorted(ENERGY_TABLES))
            raise ValueError(f"unknown energy table '{unknown[0]}'; known: {known}")
        return names

    @field_validator("pe_budget", "split", "dataflows", "dataflow_choices", *HARDWARE_KEYS)
    @classmethod
    def _no_repeats(cls, values: Any, info: ValidationInfo) -> Any:
        """A repeated value would make the same design twice, under one name."""
        key = info.field_name or ""
        if values == "all":
            return values
        labels = [_axis_label(key, v) for v in values]
        dupes = repeated(labels)
        if dupes:
            raise ValueError(f"repeated value(s): {', '.join(dupes)}")
        return values

    @model_validator(mode="after")
    def _every_design_exists(self) -> GenerateSpec:
        for split in self.split:
            self._check_split(split)
        return self

    def _check_split(self, split: SplitValue) -> None:
        fractions = split_fractions(split)
        raw = split if isinstance(split, str) else list(split)
        if self.dataflows != "all":
            for flows in self.dataflows:
                if len(flows) != len(fractions):
                    raise field_error(
                        type(self).__name__, "dataflows",
                        f"{'+'.join(flows)} has {len(flows)} dataflow(s) but split {split_label(split)} "
                        f"has {len(fractions)} sub-accelerator(s); give one per sub-accelerator", list(flows))
        # One sub-accelerator: its size is the budget's fault, not the split's.
        at_fault = "pe_budget" if len(fractions) == 1 else "split"
        for budget in self.pe_budget:
            try:
                shares = pe_shares(budget, fractions, self.pe_multiple)
            except ValueError as exc:
                raise field_error(type(self).__name__, "pe_budget", str(exc), budget) from None
            for i, share in enumerate(shares):
                where = f"pe_budget {budget} split {split_label(split)} gives acc{i} {share} PEs"
                if share == 0:
                    raise field_error(type(self).__name__, "split",
                                      f"{where}; give it a larger fraction or a larger budget", raw)
                try:
                    square_array(share, self.max_aspect)
                except DegenerateArrayError as exc:
                    raise field_error(
                        type(self).__name__, at_fault,
                        f"{where}: {exc}; set pe_multiple (e.g. 64) so that every share is a "
                        "multiple of it, or choose another budget or split",
                        budget if at_fault == "pe_budget" else raw) from None


def _dataflow_names(value: object) -> list[str]:
    if not isinstance(value, (list, tuple)) or not value or not all(isinstance(v, str) for v in value):
        raise ValueError(f"expected a list of dataflows, one per sub-accelerator, got {value!r}")
    flows = [v.upper() for v in value]
    unknown = [f for f in flows if f not in DATAFLOWS]
    if unknown:
        raise ValueError(f"unknown dataflow '{unknown[0]}'; known: {', '.join(DATAFLOWS)}")
    return flows


def _axis_label(key: str, value: Any) -> str:
    """How one value of an axis shows in a design name (so equal labels mean equal names)."""
    if key == "pe_budget":
        return str(value)
    if key == "split":
        return split_label(value)
    if key in ("dataflows", "dataflow_choices"):
        return "+".join(value) if isinstance(value, tuple) else str(value)
    return _value_label(key, value)


def load_generate_spec(data: dict[str, Any], source: str | Path | None,
                       field_prefix: str = "generate") -> GenerateSpec:
    """A GenerateSpec from a spec file's ``generate`` mapping; a problem is a SpecError naming
    ``source`` and the key under ``field_prefix`` (``designs[2].generate.split``)."""
    if not isinstance(data, dict):
        raise SpecError(source, field_prefix or None,
                        f"expected a mapping of generator keys, got {type(data).__name__}")
    try:
        return GenerateSpec.model_validate(data)
    except ValidationError as exc:
        error = spec_error_from_validation(source, exc)
        raise SpecError(source, _field_under(field_prefix, error.field, data), error.message) from None


def _field_under(prefix: str, field: str | None, data: dict[str, Any]) -> str | None:
    """The field as the user wrote it: a single value is validated as a one-item axis, so
    'global_buffer_kib[0]' means 'global_buffer_kib' when the file gave one value, and a
    split's kind ('split[0].fractions[2]') is no key of the file."""
    if field is None:
        return prefix or None
    match = re.match(r"\w+", field)
    key = match.group() if match else ""
    rest = re.sub(r"\.(name|fractions)\b", "", field[len(key):]) if key == "split" else field[len(key):]
    if rest.startswith("[0]") and key in data and _is_single(key, data[key]):
        rest = rest.removeprefix("[0]")
    return ".".join(p for p in (prefix, key + rest) if p)


def generate_designs(spec: GenerateSpec, source: str | Path | None = None) -> list[HardwareSystem]:
    """Every design of ``spec``, in the documented order; ``source`` (the spec file) is
    recorded in each design's ``source``."""
    tagged = [key for key in HARDWARE_KEYS if len(getattr(spec, key)) > 1]
    provenance = "xrsim.sweep.generate" + (f" from {source}" if source is not None else "")
    designs = []
    for budget, split in itertools.product(spec.pe_budget, spec.split):
        shares = pe_shares(budget, split_fractions(split), spec.pe_multiple)
        arrays = [square_array(share, spec.max_aspect) for share in shares]
        assignments = (dataflow_assignments(shares, spec.dataflow_choices) if spec.dataflows == "all"
                       else spec.dataflows)
        for flows in assignments:
            for values in itertools.product(*(getattr(spec, key) for key in HARDWARE_KEYS)):
                hw = dict(zip(HARDWARE_KEYS, values, strict=True))
                parts = [spec.name_prefix, f"g{budget}", split_label(split), "+".join(flows),
                         *(_value_label(key, hw[key]) for key in tagged)]
                subs = [_sub(i, flow, share, array, hw)
                        for i, (flow, share, array) in enumerate(zip(flows, shares, arrays, strict=True))]
                layout = ", ".join(f"acc{i} {f} {n} PEs ({a[0]} x {a[1]})"
                                   for i, (f, n, a) in enumerate(zip(flows, shares, arrays, strict=True)))
                designs.append(validate_spec(HardwareSystem, {
                    "name": "-".join(p for p in parts if p),
                    "description": f"Generated, {budget} PEs split {split_label(split)}: {layout}",
                    "source": provenance,
                    "energy_table": hw["energy_table"],
                    "technology_nm": hw["technology_nm"],
                    "dram": {"bandwidth_gb_per_s": hw["dram_gb_per_s"], "shared": hw["dram_shared"],
                             "memory_type": hw["dram_memory_type"]},
                    "sub_accelerators": subs,
                }, source))
    return designs


def _sub(index: int, flow: str, share: int, array: tuple[int, int], hw: dict[str, Any]) -> dict[str, Any]:
    keys = [k for k in SUB_KEYS if k != "ws_variant" or flow == "WS"]
    return {"name": f"acc{index}", "dataflow": flow, "num_pes": share, "array": array,
            **{k: hw[k] for k in keys}}


def design_yaml(system: HardwareSystem) -> str:
    """A hardware spec file's text for ``system``, which load_hardware reads back equal.

    Every set field is written (unset optional ones are their defaults), so the file says
    exactly what was simulated.
    """
    data = system.model_dump(mode="json", exclude_none=True)
    return yaml.safe_dump(data, sort_keys=False, default_flow_style=None, width=110)
