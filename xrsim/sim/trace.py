"""The trace of a run: one record per inference (completed or dropped), in log order;
the execution slices of each sub-accelerator; and, when asked, one record per layer block."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from xrsim import units
from xrsim.atomicio import atomic_write


@dataclass(frozen=True, slots=True)
class InferenceRecord:
    """One inference. A dropped one never ran: dispatch = completion = the drop time,
    no sub-accelerator, no energy.

    The default engine also fills in how its span splits up, so that
    completion - dispatch = service_s + stall_s + suspended_s + migration overheads + wake-ups:
    ``service_s`` is the costed (stand-alone) latency of the blocks it ran, ``stall_s`` the
    extra time lost to shared-DRAM contention, ``suspended_s`` the time it waited while
    preempted; ``wake_ups`` counts its blocks that first waited for a power-gated
    sub-accelerator to power up. ``sub_accelerator`` is where it finished. ``clock_ghz`` and
    ``voltage_v`` are the DVFS operating point its last block ran at (None when the
    sub-accelerator lists no operating points, and on a dropped frame). The reference engine leaves
    ``service_s`` None: its inferences run whole and alone, so their span is their service.
    """

    model: str
    frame: int
    sub_accelerator: str | None
    sub_index: int | None
    release_s: float
    dispatch_s: float
    deadline_s: float
    completion_s: float
    energy_j: float
    dropped: bool = False
    preemptions: int = 0
    service_s: float | None = None
    stall_s: float = 0.0
    suspended_s: float = 0.0
    migrations: int = 0
    wake_ups: int = 0
    clock_ghz: float | None = None
    voltage_v: float | None = None

    @property
    def latency_s(self) -> float:
        """Release to completion."""
        return self.completion_s - self.release_s

    @property
    def lateness_s(self) -> float:
        return self.completion_s - self.deadline_s

    @property
    def isolated_s(self) -> float:
        """What the inference would have taken alone on its sub-accelerator."""
        return self.service_s if self.service_s is not None else self.completion_s - self.dispatch_s


@dataclass(frozen=True, slots=True)
class BlockRecord:
    """One layer block of an inference (``layers`` = [first, last) layer indices)."""

    model: str
    frame: int
    block: int
    layers: tuple[int, int]
    sub_index: int
    start_s: float
    end_s: float
    energy_j: float
    clock_ghz: float | None = None
    voltage_v: float | None = None
    """The DVFS operating point the block ran at (None: the sub-accelerator lists none)."""


@dataclass(frozen=True, slots=True)
class ExecutionSlice:
    """A stretch of time during which a sub-accelerator ran one inference without a break,
    at one DVFS operating point (``clock_ghz``, ``voltage_v``; None without points)."""

    sub_index: int
    model: str
    frame: int
    start_s: float
    end_s: float
    clock_ghz: float | None = None
    voltage_v: float | None = None


@dataclass
class Trace:
    """Records in the order they were logged, and what the run was asked to do.

    ``warmup_s``: records released before it are kept but left out of scores and statistics.
    ``slices_recorded``: the engine logged execution slices in ``slices`` (the default
    engine does; the reference runtime does not).
    """

    scenario: str
    system: str
    models: tuple[str, ...]
    sub_accelerators: tuple[str, ...]
    records: list[InferenceRecord] = field(default_factory=list)
    end_s: float = 0.0
    warmup_s: float = 0.0
    slices: list[ExecutionSlice] = field(default_factory=list)
    blocks: list[BlockRecord] = field(default_factory=list)
    slices_recorded: bool = False

    def __iter__(self) -> Iterator[InferenceRecord]:
        return iter(self.records)

    def __len__(self) -> int:
        return len(self.records)

    def completed(self) -> list[InferenceRecord]:
        return [r for r in self.records if not r.dropped]

    def of_model(self, model: str) -> list[InferenceRecord]:
        return [r for r in self.records if r.model == model]

    def measured(self) -> Trace:
        """The part of the run after the warm-up: records released at or after ``warmup_s``,
        slices clipped to the window (blocks are left out)."""
        if self.warmup_s <= 0.0:
            return self
        w = self.warmup_s
        return Trace(
            scenario=self.scenario, system=self.system, models=self.models,
            sub_accelerators=self.sub_accelerators,
            records=[r for r in self.records if r.release_s >= w], end_s=self.end_s, warmup_s=w,
            slices=[ExecutionSlice(s.sub_index, s.model, s.frame, max(s.start_s, w), s.end_s,
                                   s.clock_ghz, s.voltage_v) for s in self.execution_slices() if s.end_s > w],
            slices_recorded=True,
        )

    def execution_slices(self) -> list[ExecutionSlice]:
        """The recorded slices; for an engine that records none (the reference runs every
        inference whole and alone) each completed inference is one slice."""
        if self.slices_recorded:
            return self.slices
        return [ExecutionSlice(r.sub_index, r.model, r.frame, r.dispatch_s, r.completion_s)
                for r in self.records if not r.dropped and r.sub_index is not None]


TIMELINE_COLUMNS = (
    "AcceleratorID", "Model Name", "Frame ID", "Injection Time (ms)", "Dispatch Time (ms)",
    "Deadline Time (ms)", "Completion Time (ms)", "Violated Deadline Amount (ms)", "Energy (mJ)",
)


def write_timeline_csv(trace: Trace, path: Path) -> None:
    """The XRBench reference's timeline CSV: completed inferences only, in log order, times
    in ms and energy in the reference's "mJ" (see ``xrsim.units``), so that the two can be
    compared row for row. Written atomically: whole, or not at all."""
    with atomic_write(path, newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(TIMELINE_COLUMNS)
        for r in trace.completed():
            writer.writerow([
                r.sub_index,
                r.model,
                r.frame,
                f"{units.s_to_ms(r.release_s):.6f}",
                f"{units.s_to_ms(r.dispatch_s):.6f}",
                f"{units.s_to_ms(r.deadline_s):.6f}",
                f"{units.s_to_ms(r.completion_s):.6f}",
                f"{units.s_to_ms(r.completion_s - r.deadline_s):.6f}",
                f"{units.j_to_xrbench_energy(r.energy_j):.6f}",
            ])
