"""Score against hardware cost over a design sweep: every configuration a point, the
Pareto front (no other point scores more with as few PEs) drawn and labelled."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from xrsim.plots.data import grouped_mean
from xrsim.plots.style import COLUMN_WIDTH_IN, colour, pyplot

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def pareto_front(points: list[tuple[str, float, float]]) -> list[tuple[str, float, float]]:
    """The (label, cost, score) points that no other point beats: as cheap or cheaper and
    scoring more, or cheaper and scoring as much. Sorted by cost."""
    front: list[tuple[str, float, float]] = []
    for point in sorted(points, key=lambda p: (p[1], -p[2], p[0])):
        if not front or point[2] > front[-1][2]:
            front.append(point)
    return front


def pareto(rows: list[dict[str, Any]], title: str | None = None) -> Figure:
    plt = pyplot()
    means = grouped_mean(rows, lambda r: (r["design"], r["total_pes"]), "score")
    points = [(design, float(pes), mean) for (design, pes), (mean, _, _) in means.items()]
    front = pareto_front(points)
    fig, ax = plt.subplots(figsize=(COLUMN_WIDTH_IN, 2.8), layout="constrained")
    ax.scatter([p[1] for p in points], [p[2] for p in points], s=8, color="#999999",
               label="design (mean score)")
    ax.plot([p[1] for p in front], [p[2] for p in front], color=colour(0), marker="o", markersize=4,
            linewidth=1, label="Pareto front")
    for i, (name, pes, score) in enumerate(front):  # alternate below and above: neighbours differ
        last = i == len(front) - 1  # the rightmost label reads leftwards, inside the axes
        ax.annotate(name, (pes, score), textcoords="offset points", fontsize=6,
                    xytext=(-4, 6) if last else (4, -9 if i % 2 else 6), ha="right" if last else "left")
    ax.set_xscale("log", base=2)
    ax.set_xlabel("PEs (total)")
    ax.set_ylabel("XRBench score")
    fig.legend(*ax.get_legend_handles_labels(), loc="outside upper center", ncols=2, frameon=False)
    if title:
        ax.set_title(title)
    return fig
