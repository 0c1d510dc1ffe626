"""The trace of a run: one record per inference (completed or dropped), in log order."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from xrsim import units


@dataclass(frozen=True, slots=True)
class InferenceRecord:
    """One inference. A dropped one never ran: dispatch = completion = the drop time,
    no sub-accelerator, no energy."""

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

    @property
    def latency_s(self) -> float:
        """Release to completion."""
        return self.completion_s - self.release_s

    @property
    def lateness_s(self) -> float:
        return self.completion_s - self.deadline_s


@dataclass
class Trace:
    """Records in the order they were logged, and what the run was asked to do."""

    scenario: str
    system: str
    models: tuple[str, ...]
    sub_accelerators: tuple[str, ...]
    records: list[InferenceRecord] = field(default_factory=list)
    end_s: float = 0.0

    def __iter__(self) -> Iterator[InferenceRecord]:
        return iter(self.records)

    def __len__(self) -> int:
        return len(self.records)

    def completed(self) -> list[InferenceRecord]:
        return [r for r in self.records if not r.dropped]

    def of_model(self, model: str) -> list[InferenceRecord]:
        return [r for r in self.records if r.model == model]


TIMELINE_COLUMNS = (
    "AcceleratorID", "Model Name", "Frame ID", "Injection Time (ms)", "Dispatch Time (ms)",
    "Deadline Time (ms)", "Completion Time (ms)", "Violated Deadline Amount (ms)", "Energy (mJ)",
)


def write_timeline_csv(trace: Trace, path: Path) -> None:
    """The XRBench reference's timeline CSV: completed inferences only, in log order, times
    in ms and energy in the reference's "mJ" (see ``xrsim.units``), so that the two can be
    compared row for row."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
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
