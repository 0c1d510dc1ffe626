"""A frame's inference as the default engine tracks it from release to completion."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True, eq=False)
class Job:
    """One released frame of one model. ``seq`` numbers releases in order (the last tie
    breaker of every scheduler); ``sub_index`` is set at the first dispatch and holds the
    blocks on that sub-accelerator unless migration is enabled."""

    model: str
    model_index: int
    frame: int
    release_s: float
    deadline_s: float
    period_s: float
    seq: int
    sub_index: int | None = None
    next_block: int = 0
    dispatch_s: float | None = None
    energy_j: float = 0.0
    service_s: float = 0.0
    stall_s: float = 0.0
    suspended_s: float = 0.0
    suspended_at: float | None = None
    preemptions: int = 0
    migrations: int = 0
    wake_ups: int = 0

    @property
    def started(self) -> bool:
        return self.dispatch_s is not None
