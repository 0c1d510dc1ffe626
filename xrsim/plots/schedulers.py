"""Schedulers compared: the score of each policy on each scenario and design, one panel
per cost backend."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from xrsim.plots.data import grouped_mean, in_order
from xrsim.plots.style import PAGE_WIDTH_IN, colour, pyplot

if TYPE_CHECKING:
    from matplotlib.figure import Figure


NAMES = {"xrbench": "reference order", "edf": "EDF", "llf": "LLF", "fcfs": "FCFS",
         "rate_monotonic": "rate monotonic", "round_robin": "round robin"}


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
    policies = in_order([policy(r) for r in rows])
    fig, axes = plt.subplots(1, len(backends), squeeze=False, sharey=True,
                             figsize=(PAGE_WIDTH_IN, 2.4), layout="constrained")
    width = 0.84 / len(policies)
    x = np.arange(len(groups))
    for ax, backend in zip(axes[0], backends, strict=True):
        chosen = [r for r in rows if r["costs"] == backend]
        means = grouped_mean(chosen, lambda r: (r["scenario"], r["design"], policy(r)), "score")
        for j, name in enumerate(policies):
            values = [means.get((s, d, name), (np.nan, 0, 0))[0] for s, d in groups]
            ax.bar(x - 0.42 + (j + 0.5) * width, values, width, color=colour(j), label=name)
        ax.set_xticks(x, [f"{s}\n{d}" for s, d in groups])
        ax.set_title(f"costs {backend}", loc="left")
        ax.set_ylim(0, 100)
    axes[0, 0].set_ylabel("XRBench score")
    fig.legend(*axes[0, 0].get_legend_handles_labels(), loc="outside upper center", ncols=3,
               frameon=False)
    if title:
        fig.suptitle(title)
    return fig
