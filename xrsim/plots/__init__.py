"""Paper figures from sweeps' results folders and runs' traces; they never simulate.

``KINDS`` names every figure ``python -m xrsim plot`` draws and what it is drawn from.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from xrsim.plots.cascade import cascade_rates
from xrsim.plots.latency_cdf import latency_cdf
from xrsim.plots.pareto import pareto
from xrsim.plots.schedulers import schedulers
from xrsim.plots.score_bars import score_bars
from xrsim.plots.timeline import timeline


@dataclass(frozen=True)
class PlotKind:
    draw: Callable[..., Any]
    source: Literal["results", "traces"]
    """A sweep's results folder (one), or run traces (``run --trace-jsonl``, one or more)."""
    summary: str


KINDS: dict[str, PlotKind] = {
    "scores": PlotKind(score_bars, "results", "RT, EN, QoE and score per design and scenario (Figure 5)"),
    "timeline": PlotKind(timeline, "traces", "Gantt timeline per sub-accelerator (Figure 6)"),
    "cascade": PlotKind(cascade_rates, "results", "metrics against cascade probability (Figure 7)"),
    "pareto": PlotKind(pareto, "results", "score against PEs, the Pareto front labelled"),
    "latency_cdf": PlotKind(latency_cdf, "traces", "per-model latency CDFs with deadlines"),
    "schedulers": PlotKind(schedulers, "results", "score per scheduler, scenario and design"),
}
