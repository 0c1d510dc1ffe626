"""Paper figures from sweeps' results folders and runs' traces; they never simulate.

``KINDS`` names every figure ``python -m xrsim plot`` draws and what it is drawn from;
a figure's module is imported when it is drawn, so that the command line can list the
kinds without importing them all.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal


@dataclass(frozen=True)
class PlotKind:
    function: str
    """``module.function`` under xrsim.plots that draws it."""
    source: Literal["results", "traces"]
    """A sweep's results folder (one), or run traces (``run --trace-jsonl``, one or more)."""
    summary: str

    @property
    def draw(self) -> Callable[..., Any]:
        module, _, name = self.function.partition(".")
        return getattr(importlib.import_module(f"xrsim.plots.{module}"), name)


KINDS: dict[str, PlotKind] = {
    "scores": PlotKind("score_bars.score_bars", "results",
                       "RT, EN, QoE and score per design and scenario (Figure 5)"),
    "timeline": PlotKind("timeline.timeline", "traces", "Gantt timeline per sub-accelerator (Figure 6)"),
    "cascade": PlotKind("cascade.cascade_rates", "results", "metrics against cascade probability (Figure 7)"),
    "pareto": PlotKind("pareto.pareto", "results", "score against PEs, the Pareto front labelled"),
    "latency_cdf": PlotKind("latency_cdf.latency_cdf", "traces", "per-model latency CDFs with deadlines"),
    "schedulers": PlotKind("schedulers.schedulers", "results", "score per scheduler, scenario and design"),
}
