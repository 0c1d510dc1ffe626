"""XRBench's Figure 5: per design, the score's parts (RT, EN, QoE) and the score itself on
each scenario and over all of them, from a sweep's results."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from xrsim.plots.data import grouped_mean, in_order
from xrsim.plots.style import PAGE_WIDTH_IN, colour, pyplot

if TYPE_CHECKING:
    from matplotlib.figure import Figure

PANELS = (("rt", "RT score", 1.0), ("en", "EN score", 1.0), ("qoe", "QoE score", 1.0),
          ("score", "XRBench score", 100.0))
ALL = "all scenarios"


def score_bars(rows: list[dict[str, Any]], title: str | None = None) -> Figure:
    """Four stacked panels; in each, one group of bars per design, one bar per scenario
    (mean over seeds) and a black bar for the mean over the scenarios."""
    plt = pyplot()
    designs = in_order([r["design"] for r in rows])
    scenarios = in_order([r["scenario"] for r in rows])
    fig, axes = plt.subplots(len(PANELS), 1, figsize=(PAGE_WIDTH_IN, 1.35 * len(PANELS)), sharex=True)
    width = 0.84 / (len(scenarios) + 1)
    x = np.arange(len(designs))
    for ax, (metric, label, top) in zip(axes, PANELS, strict=True):
        means = grouped_mean(rows, lambda r: (r["design"], r["scenario"]), metric)
        for j, scenario in enumerate(scenarios):
            values = [means.get((d, scenario), (np.nan, 0, 0))[0] for d in designs]
            ax.bar(x - 0.42 + (j + 0.5) * width, values, width, color=colour(j), label=scenario)
        overall = [np.nanmean([means.get((d, s), (np.nan, 0, 0))[0] for s in scenarios]) for d in designs]
        ax.bar(x - 0.42 + (len(scenarios) + 0.5) * width, overall, width, color="black", label=ALL)
        ax.set_ylim(0, top)
        ax.set_ylabel(label)
    axes[-1].set_xticks(x, designs, rotation=45, ha="right")
    axes[0].legend(ncols=4, loc="lower left", bbox_to_anchor=(0, 1.02), frameon=False)
    if title:
        fig.suptitle(title, y=1.0 + 0.12 / len(PANELS))
    fig.align_ylabels(axes)
    return fig
