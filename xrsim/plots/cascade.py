"""A cascade-rate study (XRBench's Figure 7): RT, EN, QoE and the score against the
probability with which a scenario's cascades fire, one line per design, mean and 95 %
interval over seeds."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from xrsim.errors import SpecError
from xrsim.plots.data import grouped_mean, in_order
from xrsim.plots.score_bars import PANELS
from xrsim.plots.style import COLUMN_WIDTH_IN, colour, pyplot
from xrsim.workload import load_scenario

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def cascade_probabilities(scenarios: list[str]) -> dict[str, float]:
    """Each scenario's cascade probability (%), for variants of one scenario - the same
    models at the same rates, the same cascades - that differ only in it (as
    vr_gaming_25p ... vr_gaming_100p do); anything else is refused, naming why."""
    specs = {name: load_scenario(name).spec for name in scenarios}
    shapes = set()
    for name, spec in specs.items():
        if not spec.cascades:
            raise SpecError(None, "SOURCE",
                            f"a cascade figure needs scenarios with cascades; {name} has none")
        shapes.add((tuple(sorted((u.model, u.fps) for u in spec.models)),
                    tuple(sorted((c.upstream, c.downstream) for c in spec.cascades))))
    if len(shapes) > 1:
        raise SpecError(None, "SOURCE", "a cascade figure compares variants of one scenario that differ "
                                        f"only in cascade probability; {', '.join(specs)} differ in more")
    probability = {n: 100.0 * min(c.probability for c in s.cascades) for n, s in specs.items()}
    if len(set(probability.values())) < 2:
        raise SpecError(None, "SOURCE", "a cascade figure needs scenarios that differ in cascade "
                                        "probability (e.g. vr_gaming_25p ... vr_gaming_100p); these "
                                        f"all have {next(iter(probability.values())):g} %")
    return probability


def cascade_rates(rows: list[dict[str, Any]], title: str | None = None) -> Figure:
    plt = pyplot()
    probability = cascade_probabilities(in_order([r["scenario"] for r in rows]))
    designs = in_order([r["design"] for r in rows])
    fig, grid = plt.subplots(2, 2, figsize=(COLUMN_WIDTH_IN, 3.3), layout="constrained")
    axes = grid.ravel()
    for ax, (metric, label, top) in zip(axes, PANELS, strict=True):
        stats = grouped_mean(rows, lambda r: (r["design"], probability[r["scenario"]]), metric)
        for i, design in enumerate(designs):
            xs = sorted(p for d, p in stats if d == design)
            ax.errorbar(xs, [stats[(design, p)][0] for p in xs], yerr=[stats[(design, p)][1] for p in xs],
                        color=colour(i), marker="o", markersize=3, capsize=2, linewidth=1, label=design)
        ax.set_xlabel("cascade probability (%)")
        ax.set_ylabel(label)
        ax.set_ylim(0, top * 1.02)
        ax.set_xticks(sorted(set(probability.values())))
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside upper center", ncols=min(3, len(designs)),
               frameon=False)
    if title:
        fig.suptitle(title)
    return fig
