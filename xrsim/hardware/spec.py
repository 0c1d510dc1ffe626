"""Hardware system specs: sub-accelerators (PE array, dataflow, buffers, NoC, clock),
off-chip memory and an energy table. Keys carry their units; accessors give SI values."""

from __future__ import annotations

import hashlib
import itertools
import math
from functools import cached_property
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    Field,
    StrictFloat,
    StrictInt,
    ValidationInfo,
    field_validator,
    model_validator,
)

from xrsim import units
from xrsim.hardware.energy import ENERGY_TABLES, EnergyTable
from xrsim.hardware.tables import MAX_NODE_NM, MIN_NODE_NM, dram_pj_per_bit
from xrsim.specio import SPEC_CONFIG, field_error, repeated

Dataflow = Literal["WS", "OS", "RS", "IS"]
DATAFLOWS: tuple[str, ...] = ("WS", "OS", "RS", "IS")
WsVariant = Literal["systolic", "nvdla"]
MemoryType = Literal["LPDDR4", "LPDDR5", "HBM2", "HBM3"]
DEFAULT_TECHNOLOGY_NM = 28


def _covered_node(value: int) -> int:
    if not MIN_NODE_NM <= value <= MAX_NODE_NM:
        raise ValueError(f"must be {MIN_NODE_NM} to {MAX_NODE_NM} nm (the nodes the area and leakage "
                         "tables cover)")
    return value


TechnologyNm = Annotated[StrictInt, AfterValidator(_covered_node)]
"""A node the area and leakage tables cover; a system's, or each of a generator's choices."""
"""The node of a design that names none: MAESTRO's cost database, from which the XRBench
reference's energies come, is a 28 nm one."""
Rate = Annotated[StrictFloat, Field(ge=1e-6, le=1e12)]
"""A bandwidth (words per cycle, GB/s): bounded so that every latency stays a finite number."""
# Sub-accelerator quantities, named so that a design generator checks its values as the spec does.
NumPes = Annotated[StrictInt, Field(ge=1, le=2**31)]
ClockGhz = Annotated[StrictFloat, Field(gt=0, le=1e3)]
WordBits = Annotated[StrictInt, Field(ge=1)]
PeBufferBytes = Annotated[StrictInt, Field(ge=0)]
BufferKib = Annotated[StrictFloat, Field(gt=0, le=2.0**40)]
Lanes = Annotated[StrictInt, Field(ge=1)]
RsOverhead = Annotated[StrictFloat, Field(ge=1.0)]
Overlap = Annotated[StrictFloat, Field(ge=0.0, le=1.0)]
PE_BUFFER_BYTES_EYERISS = 512
"""Per-PE scratchpad of Eyeriss, the row-stationary design: 0.5 KB of register file per PE
in its dataflow study (Chen, Emer, Sze, ISCA 2016), 224 + 12 + 24 16-bit words = 520 B of
filter, ifmap and psum scratchpads on the chip (Chen et al., JSSC 2017). With 0 B an RS
array re-reads every input for every filter from the global buffer."""
RS_OVERHEAD_CALIBRATED = 1.136
"""Eyeriss chip cycles / ideal cycles on its active PEs, mean over AlexNet CONV1-5
(docs/cost_model.md shows the calibration)."""


MAX_ASPECT = 4
"""Widest cols / rows a PE count may get from its squarest factorisation. Beyond it the
array is degenerate (a prime count is 1 x n, far slower than its neighbours), so a spec
must say what shape it means."""


class DegenerateArrayError(ValueError):
    """A PE count whose most square array is still wider than ``max_aspect`` x its height."""


def square_array(num_pes: int, max_aspect: float = MAX_ASPECT) -> tuple[int, int]:
    """The most square rows x cols array of ``num_pes`` PEs (rows <= cols).

    Used when a spec gives only a PE count: 4096 -> 64 x 64, 3072 -> 48 x 64,
    6144 -> 64 x 96, 168 -> 12 x 14. Raises DegenerateArrayError when even that array
    has cols > max_aspect x rows (4099 -> 1 x 4099), rather than modelling such a design.
    """
    rows = math.isqrt(num_pes)
    while num_pes % rows:
        rows -= 1
    cols = num_pes // rows
    if cols > max_aspect * rows:
        raise DegenerateArrayError(
            f"the most square array of {num_pes} PEs is {rows} x {cols}, "
            f"more than {max_aspect:g} times wider than tall")
    return rows, cols


class PowerGating(BaseModel):
    """Power gating of an idle sub-accelerator: it leaks nothing while gated, and the next
    job it starts waits ``wake_up_us`` for it to power up."""

    model_config = SPEC_CONFIG
    enabled: bool = True
    wake_up_us: StrictFloat = Field(ge=0, le=1e9, description="time to power up before a job, in us")

    @property
    def wake_up_s(self) -> float:
        return units.us_to_s(self.wake_up_us) if self.enabled else 0.0


class OperatingPoint(BaseModel):
    """A DVFS operating point of a sub-accelerator: its clock and the supply voltage it needs."""

    model_config = SPEC_CONFIG
    clock_ghz: ClockGhz
    voltage_v: StrictFloat = Field(gt=0, le=10, description="supply voltage at this clock, in V")


class SubAccelerator(BaseModel):
    model_config = SPEC_CONFIG

    name: str = Field(min_length=1)
    dataflow: Dataflow
    num_pes: NumPes
    array: tuple[StrictInt, StrictInt] | None = Field(
        default=None, description="rows x cols of the PE array; derived from num_pes if absent"
    )
    clock_ghz: ClockGhz = 1.0
    word_bits: WordBits = 8
    pe_buffer_bytes: PeBufferBytes = Field(
        default=PE_BUFFER_BYTES_EYERISS,
        description="PE-local scratchpad bytes per PE; RS keeps filter rows and partial sums "
                    "there (the systolic forms do not use it). Default: Eyeriss's 0.5 KB",
    )
    global_buffer_kib: BufferKib
    noc_words_per_cycle: Rate
    vector_lanes: Lanes | None = Field(
        default=None, description="elementwise/pooling lanes; default: one per array column"
    )
    ws_variant: WsVariant = Field(
        default="systolic",
        description="WS mapping: 'systolic' (im2col, SCALE-Sim) or 'nvdla' (C x K atomic, no im2col)",
    )
    rs_overhead: RsOverhead = Field(
        default=RS_OVERHEAD_CALIBRATED,
        description="RS cycles / ideal cycles on the active PEs (1.0: ideal)",
    )
    overlap: Overlap = Field(
        default=1.0,
        description="how much of compute, NoC and DRAM time overlaps (1: perfect double buffering)",
    )
    power_gating: PowerGating | None = Field(
        default=None, description="gate the sub-accelerator while idle (mode default only)")
    operating_points: tuple[OperatingPoint, ...] | None = Field(
        default=None, description=(
            "DVFS operating points {clock_ghz, voltage_v}, kept sorted by clock; one of them must "
            "be at clock_ghz (the nominal point, whose costs are the cost model's)"))
    operating_point: StrictInt | None = Field(
        default=None, description=(
            "index of the point (lowest clock first) the sub-accelerator runs at under the "
            "'fixed' governor and rests at while idle; default: the nominal point"))

    @field_validator("dataflow", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("array")
    @classmethod
    def _array_matches_pes(cls, array: tuple[int, int] | None, info: ValidationInfo
                           ) -> tuple[int, int] | None:
        num_pes = info.data.get("num_pes")
        if array is not None and num_pes is not None:
            rows, cols = array
            if rows < 1 or cols < 1 or rows * cols != num_pes:
                raise ValueError(f"array {rows} x {cols} does not hold num_pes = {num_pes} PEs")
        return array

    @model_validator(mode="after")
    def _shape_known(self) -> SubAccelerator:
        if self.array is None:
            try:
                square_array(self.num_pes)
            except DegenerateArrayError as exc:
                message = f"{exc}; give array: [rows, cols] explicitly"
                raise field_error(type(self).__name__, "num_pes", message, self.num_pes) from None
        return self

    @field_validator("operating_points")
    @classmethod
    def _sorted_points(cls, points: tuple[OperatingPoint, ...] | None
                       ) -> tuple[OperatingPoint, ...] | None:
        """Sorted by clock (given in any order); clocks unique; voltage non-decreasing with
        the clock (so the lowest clock is also the cheapest point, which slack relies on)."""
        if points is None:
            return None
        if not points:
            raise ValueError("lists no point; leave operating_points out for a single fixed clock")
        ordered = tuple(sorted(points, key=lambda p: p.clock_ghz))
        dupes = repeated([f"{p.clock_ghz:g}" for p in ordered])
        if dupes:
            raise ValueError(f"clocks must be unique; repeated: {', '.join(dupes)} GHz")
        for slow, fast in itertools.pairwise(ordered):
            if fast.voltage_v < slow.voltage_v:
                raise ValueError(f"a faster clock never needs a lower voltage: {fast.clock_ghz:g} GHz at "
                                 f"{fast.voltage_v:g} V, {slow.clock_ghz:g} GHz at {slow.voltage_v:g} V")
        return ordered

    @model_validator(mode="after")
    def _nominal_point(self) -> SubAccelerator:
        points = self.operating_points
        if points is None:
            if self.operating_point is not None:
                raise field_error(type(self).__name__, "operating_point",
                                  "selects a point, but the sub-accelerator lists no operating_points",
                                  self.operating_point)
            return self
        if not any(p.clock_ghz == self.clock_ghz for p in points):
            clocks = ", ".join(repr(p.clock_ghz) for p in points)
            raise field_error(type(self).__name__, "operating_points", (
                f"no point is at the nominal clock_ghz {self.clock_ghz!r} (points: {clocks} GHz); "
                "list it, with its voltage"), [p.clock_ghz for p in points])
        if self.operating_point is not None and not 0 <= self.operating_point < len(points):
            raise field_error(type(self).__name__, "operating_point",
                              f"must be 0 to {len(points) - 1} (an index into operating_points, "
                              "lowest clock first)", self.operating_point)
        return self

    @property
    def rows(self) -> int:
        return (self.array or square_array(self.num_pes))[0]

    @property
    def cols(self) -> int:
        return (self.array or square_array(self.num_pes))[1]

    @property
    def clock_hz(self) -> float:
        return units.ghz_to_hz(self.clock_ghz)

    @property
    def word_bytes(self) -> float:
        return units.bits_to_bytes(self.word_bits)

    @property
    def global_buffer_bytes(self) -> int:
        return units.kib_to_bytes(self.global_buffer_kib)

    @property
    def lanes(self) -> int:
        return self.vector_lanes or self.cols

    @property
    def gated(self) -> bool:
        return self.power_gating is not None and self.power_gating.enabled

    @property
    def wake_up_s(self) -> float:
        return self.power_gating.wake_up_s if self.power_gating is not None else 0.0

    @property
    def points(self) -> tuple[OperatingPoint, ...]:
        """The operating points, lowest clock first; none listed: the nominal clock alone
        (its voltage unknown and unused: every scale factor is 1)."""
        if self.operating_points is None:
            return ()
        return self.operating_points

    @property
    def nominal_point(self) -> int | None:
        """Index of the point at ``clock_ghz``; None without operating points."""
        for i, p in enumerate(self.points):
            if p.clock_ghz == self.clock_ghz:
                return i
        return None

    @property
    def selected_point(self) -> int | None:
        """The point of the 'fixed' governor and of idle time: ``operating_point`` or nominal."""
        return self.nominal_point if self.operating_point is None else self.operating_point

    @property
    def nominal_voltage_v(self) -> float | None:
        i = self.nominal_point
        return None if i is None else self.points[i].voltage_v

    def at_point(self, index: int) -> SubAccelerator:
        """This sub-accelerator clocked at point ``index``, with no points: what the cost
        model costs for that point (dynamic energy is then scaled by V^2 by the caller)."""
        p = self.points[index]
        return self.model_copy(update={"clock_ghz": p.clock_ghz, "operating_points": None,
                                       "operating_point": None})


class DramSpec(BaseModel):
    """Off-chip memory. Unshared: each sub-accelerator has a link of this bandwidth.
    Shared: the sub-accelerators share one channel of this bandwidth."""

    model_config = SPEC_CONFIG
    bandwidth_gb_per_s: Rate
    shared: bool = False
    memory_type: MemoryType | None = Field(
        default=None, description="LPDDR4, LPDDR5, HBM2 or HBM3: sets DRAM energy per byte "
                                  "(default: the energy table's)")

    @property
    def bytes_per_s(self) -> float:
        return units.gb_per_s_to_bytes_per_s(self.bandwidth_gb_per_s)


class HardwareSystem(BaseModel):
    model_config = SPEC_CONFIG

    name: str = Field(min_length=1)
    description: str | None = None
    source: str | None = None
    energy_table: str | EnergyTable = "xrbench-maestro"
    technology_nm: TechnologyNm = Field(default=DEFAULT_TECHNOLOGY_NM, description="technology node, nm")
    dram: DramSpec
    sub_accelerators: tuple[SubAccelerator, ...] = Field(min_length=1)

    @field_validator("energy_table")
    @classmethod
    def _known_table(cls, value: str | EnergyTable) -> str | EnergyTable:
        if isinstance(value, str) and value not in ENERGY_TABLES:
            raise ValueError(
                f"unknown energy table '{value}'; known: {', '.join(sorted(ENERGY_TABLES))}"
            )
        return value

    @field_validator("sub_accelerators")
    @classmethod
    def _unique_names(cls, subs: tuple[SubAccelerator, ...]) -> tuple[SubAccelerator, ...]:
        dupes = repeated([s.name for s in subs])
        if dupes:
            raise ValueError(f"sub-accelerator names must be unique; repeated: {', '.join(dupes)}")
        return subs

    @property
    def energy(self) -> EnergyTable:
        """The energy table, its DRAM energy per byte set by ``dram.memory_type`` if given."""
        table = self.energy_table
        if not isinstance(table, EnergyTable):
            table = ENERGY_TABLES[table]
        if self.dram.memory_type is None:
            return table
        per_byte = units.pj_per_bit_to_pj_per_byte(dram_pj_per_bit(self.dram.memory_type))
        return table.model_copy(update={"dram_pj_per_byte": per_byte})

    @property
    def total_pes(self) -> int:
        return sum(s.num_pes for s in self.sub_accelerators)

    @property
    def has_points(self) -> bool:
        """Whether any sub-accelerator lists DVFS operating points."""
        return any(s.points for s in self.sub_accelerators)

    @cached_property
    def content_hash(self) -> str:
        return hashlib.sha256(self.model_dump_json().encode()).hexdigest()[:16]
