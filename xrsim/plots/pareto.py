"""Score against hardware cost over a design sweep: every configuration a point, the
Pareto front (no other point scores more with as few PEs) drawn and labelled."""

from __future__ import annotations

import math
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


def _spread(front: list[tuple[str, float, float]], most: int) -> set[int]:
    """Indices of at most ``most`` front points to name, each at least 1/most of the axes'
    span from the last one named, the ends always: a plateau of near-equal points gets one."""
    if len(front) <= 1:
        return set(range(len(front)))
    xs, ys = [p[1] for p in front], [p[2] for p in front]
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
    chosen = [0]
    for i in range(1, len(front)):
        j = chosen[-1]
        if math.hypot((xs[i] - xs[j]) / span_x, (ys[i] - ys[j]) / span_y) >= 1 / most:
            chosen.append(i)
    if chosen[-1] != len(front) - 1:
        chosen[-1 if len(chosen) > 1 else len(chosen):] = [len(front) - 1]
    return set(chosen[:most - 1] + chosen[-1:]) if len(chosen) > most else set(chosen)


def pareto(rows: list[dict[str, Any]], title: str | None = None, *, x: str = "total_pes", y: str = "score",
           minimise_x: bool = True, maximise_y: bool = True, x_label: str | None = None,
           y_label: str | None = None, max_labels: int | None = None) -> Figure:
    """Every design's mean ``y`` against its ``x`` (by default score against PEs), the front
    drawn and named (``max_labels``: that many, spread along it); a search draws its first
    two objectives, each minimised or maximised."""
    plt = pyplot()
    means = grouped_mean(rows, lambda r: (r["design"], r[x]), y)
    points = [(design, float(cost), mean) for (design, cost), (mean, _, _) in means.items()]
    # pareto_front wants cost down and score up: flip the senses that differ, and back.
    sx, sy = (1 if minimise_x else -1), (1 if maximise_y else -1)
    front = [(n, sx * c, sy * s) for n, c, s in pareto_front([(n, sx * c, sy * s) for n, c, s in points])]
    fig, ax = plt.subplots(figsize=(COLUMN_WIDTH_IN, 2.8), layout="constrained")
    ax.scatter([p[1] for p in points], [p[2] for p in points], s=8, color="#999999",
               label="design (mean score)" if y == "score" else "design")
    ax.plot([p[1] for p in front], [p[2] for p in front], color=colour(0), marker="o", markersize=4,
            linewidth=1, label="Pareto front")
    named = _spread(front, max_labels) if max_labels is not None else set(range(len(front)))
    for i, (name, cost, score) in enumerate(front):  # alternate below and above: neighbours differ
        if i not in named:
            continue
        last = i == len(front) - 1  # the rightmost label reads leftwards, inside the axes
        label = ax.annotate(name, (cost, score), textcoords="offset points", fontsize=6,
                            xytext=(-4, 6) if last else (4, -9 if i % 2 else 6),
                            ha="right" if last else "left")
        label.set_in_layout(False)  # long names must not squeeze the axes to nothing
    if x == "total_pes" and all(p[1] > 0 for p in points):
        ax.set_xscale("log", base=2)
    ax.set_xlabel(x_label or ("PEs (total)" if x == "total_pes" else x))
    ax.set_ylabel(y_label or ("XRBench score" if y == "score" else y))
    fig.legend(*ax.get_legend_handles_labels(), loc="outside upper center", ncols=2, frameon=False)
    if title:
        ax.set_title(title)
    return fig
