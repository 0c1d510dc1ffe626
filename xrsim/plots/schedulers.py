"""Schedulers compared: the score of each policy on each scenario and design, one panel
per cost backend."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from xrsim.errors import SpecError
from xrsim.plots.data import grouped_mean, in_order
from xrsim.plots.style import COLUMN_WIDTH_IN, colour, pyplot

if TYPE_CHECKING:
    from matplotlib.figure import Figure


NAMES = {"xrbench": "reference order", "edf": "EDF", "llf": "LLF", "fcfs": "FCFS",
         "rate_monotonic": "rate monotonic", "round_robin": "round robin"}


ORDER = ("reference runtime", "reference order", "EDF", "LLF", "EDF, block:4, preemptive", "FCFS",
         "rate monotonic", "round robin")
"""Known policies in a fixed order, so that each keeps its colour from figure to figure."""


def _known_first(name: str) -> tuple[int, str]:
    return (ORDER.index(name), name) if name in ORDER else (len(ORDER), name)


def policy(row: dict[str, Any]) -> str:
    """What ran the frames: the reference runtime, or the default engine's scheduler with
    its granularity and preemption."""
    if row["mode"] == "xrbench":
        return "reference runtime"
    scheduler = str(row.get("scheduler") or "edf")
    name = NAMES.get(scheduler, scheduler)
    if row.get("granularity") not in (None, "model"):
        name += f", {row['granularity']}"
    if row.get("preemptive"):
        name += ", preemptive"
    return name


def schedulers(rows: list[dict[str, Any]], title: str | None = None) -> Figure:
    plt = pyplot()
    backends = in_order([r["costs"] for r in rows])
    groups = in_order([(r["scenario"], r["design"]) for r in rows])
    policies = sorted(set(map(policy, rows)), key=_known_first)
    if len(policies) < 2:
        raise SpecError(None, "SOURCE", "a schedulers figure compares policies; this sweep ran one "
                                        f"({policies[0]}): give it a scheduler (or mode) axis")
    fig, axes = plt.subplots(len(backends), 1, squeeze=False, sharex=True,
                             figsize=(COLUMN_WIDTH_IN, 1.4 * len(backends) + 0.9), layout="constrained")
    width = 0.84 / len(policies)
    x = np.arange(len(groups))
    for ax, backend in zip(axes[:, 0], backends, strict=True):
        chosen = [r for r in rows if r["costs"] == backend]
        means = grouped_mean(chosen, lambda r: (r["scenario"], r["design"], policy(r)), "score")
        for j, name in enumerate(policies):
            values = [means.get((s, d, name), (np.nan, 0, 0))[0] for s, d in groups]
            hue = ORDER.index(name) if name in ORDER else len(ORDER) + j
            ax.bar(x - 0.42 + (j + 0.5) * width, values, width, color=colour(hue), label=name)
        ax.set_xticks(x, [f"{s}\n{d}" for s, d in groups])
        ax.set_title(f"costs {backend}", loc="left")
        ax.set_ylim(0, 100)
        ax.set_ylabel("XRBench score")
    fig.legend(*axes[0, 0].get_legend_handles_labels(), loc="outside upper center", ncols=2,
               frameon=False)
    if title:
        fig.suptitle(title)
    return fig
