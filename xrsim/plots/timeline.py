"""Gantt timelines of runs (XRBench's Figure 6): one lane per sub-accelerator and one for
dropped frames, one colour per model; each executed frame's window from release to
deadline drawn above its bar, a missed deadline hatched, a drop marked at its deadline."""

from __future__ import annotations

from typing import TYPE_CHECKING

from xrsim import units
from xrsim.plots.data import TraceFile, trace_labels
from xrsim.plots.style import PAGE_WIDTH_IN, colour, pyplot

if TYPE_CHECKING:
    from matplotlib.figure import Figure

DROPPED = "dropped"


def timeline(traces: list[TraceFile], title: str | None = None,
             window_ms: tuple[float, float] | None = None) -> Figure:
    """``window_ms``: draw only that stretch of time - a long run drawn whole is a solid bar."""
    plt = pyplot()
    from matplotlib.patches import Patch

    models = list(dict.fromkeys(m for t in traces for m in t.run["models"]))
    lanes = max(len(t.run["sub_accelerators"]) for t in traces) + 1
    fig, axes = plt.subplots(len(traces), 1, squeeze=False, sharex=True,
                             figsize=(PAGE_WIDTH_IN, 0.45 * lanes * len(traces) + 0.8))
    for ax, trace, label in zip(axes[:, 0], traces, trace_labels(traces), strict=True):
        names = [*trace.run["sub_accelerators"], DROPPED]
        for r in trace.records:
            if window_ms is not None and not (window_ms[0] <= units.s_to_ms(r["deadline_s"])
                                              and units.s_to_ms(r["release_s"]) <= window_ms[1]):
                continue
            c = colour(models.index(r["model"]))
            release, deadline = units.s_to_ms(r["release_s"]), units.s_to_ms(r["deadline_s"])
            if r["dropped"]:  # a row per model in the lane: drops at one deadline stay apart
                row = names.index(DROPPED) - 0.3 + 0.6 * models.index(r["model"]) / max(1, len(models) - 1)
                ax.plot([deadline], [row], marker="x", color=c, markersize=4, linestyle="")
                continue
            lane = r["sub_index"]
            start, end = units.s_to_ms(r["dispatch_s"]), units.s_to_ms(r["completion_s"])
            missed = r["completion_s"] > r["deadline_s"]
            ax.barh(lane, end - start, left=start, height=0.5, color=c, edgecolor="black" if missed else c,
                    hatch="////" if missed else None, linewidth=0.4)
            ax.plot([release, deadline], [lane + 0.36] * 2, color=c, linewidth=0.6)
            ax.plot([release, deadline], [lane + 0.36] * 2, color=c, marker="|", markersize=3,
                    linestyle="")
        ax.set_yticks(range(len(names)), names)
        ax.set_ylim(len(names) - 0.4, -0.6)
        ax.set_title(label, loc="left")
    axes[-1, 0].set_xlabel("time (ms)")
    if window_ms is not None:
        axes[-1, 0].set_xlim(*window_ms)
    handles = [Patch(color=colour(i), label=m) for i, m in enumerate(models)]
    handles += [Patch(facecolor="white", edgecolor="black", hatch="////", label="missed deadline"),
                plt.Line2D([], [], marker="x", color="black", linestyle="", label="dropped (at deadline)"),
                plt.Line2D([], [], marker="|", color="black", label="release to deadline")]
    axes[0, 0].legend(handles=handles, ncols=3, loc="lower left", bbox_to_anchor=(0, 1.12), frameon=False)
    if title:
        fig.suptitle(title)
    return fig
