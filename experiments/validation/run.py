"""How far to trust xrsim's analytical cost model, regenerated: every reference cost row
against the analytical model (costs.md), and XRBench's Figure 5 ranked on both
(figure5_costs.md and figure5_costs.pdf|png). docs/validation.md holds the prose.

    python experiments/validation/run.py [--out DIR]
"""

import sys

import numpy as np

from xrsim.cost.analytical.validation import spearman, validation_report
from xrsim.experiment import experiment_main
from xrsim.plots.data import grouped_mean
from xrsim.plots.style import COLUMN_WIDTH_IN, colour, pyplot


def rankings(folder, rows):  # type: ignore[no-untyped-def]
    """Each design's mean score on the reference's costs and on the analytical model."""
    means = grouped_mean(rows, lambda r: (r["costs"], r["design"]), "score")
    designs = sorted({d for _, d in means})
    table = np.array([means[("table", d)][0] for d in designs])
    analytical = np.array([means[("analytical", d)][0] for d in designs])
    rank_t = {d: i + 1 for i, d in enumerate(sorted(designs, key=lambda d: -means[("table", d)][0]))}
    rank_a = {d: i + 1 for i, d in enumerate(sorted(designs, key=lambda d: -means[("analytical", d)][0]))}
    lines = ["# Figure 5 on the reference's costs and on the analytical model", "",
             "Mean XRBench score of each design over the 7 scenarios (20 seeds for the random ones), "
             "mode xrbench.", "",
             f"- rank correlation (Spearman) of the 26 designs: {spearman(table, analytical):.3f}"]
    for budget in ("4k", "8k"):
        idx = [i for i, d in enumerate(designs) if f"-{budget}-" in d]
        lines.append(f"- {budget.upper()} designs alone: {spearman(table[idx], analytical[idx]):.3f}")
    lines += [f"- spread: {table.min():.1f} to {table.max():.1f} on the reference's costs, "
              f"{analytical.min():.1f} to {analytical.max():.1f} on the analytical model", "",
              "| design | reference costs | rank | analytical | rank |", "|---|---:|---:|---:|---:|"]
    for d in designs:
        reference, model = means[("table", d)][0], means[("analytical", d)][0]
        lines.append(f"| {d} | {reference:.1f} | {rank_t[d]} | {model:.1f} | {rank_a[d]} |")
    (folder / "figure5_costs.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return designs, table, analytical


def draw(folder, rows):  # type: ignore[no-untyped-def]
    text, _ = validation_report()
    (folder / "costs.md").write_text(text, encoding="utf-8")
    designs, table, analytical = rankings(folder, rows)
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(COLUMN_WIDTH_IN, 2.8), layout="constrained")
    for i, budget in enumerate(("4k", "8k")):
        idx = [k for k, d in enumerate(designs) if f"-{budget}-" in d]
        ax.scatter(table[idx], analytical[idx], s=10, color=colour(i), label=f"{budget.upper()} designs")
        for j, k in enumerate(idx):  # 4K labels above right, 8K below left: the two sets overlap
            offset = (2, 2 + (j % 2) * 3) if i == 0 else (-5, -6 - (j % 2) * 3)
            ax.annotate(designs[k].rsplit("-", 1)[1], (table[k], analytical[k]), fontsize=5,
                        textcoords="offset points", xytext=offset)
    ax.set_xlabel("score on the reference's costs")
    ax.set_ylabel("score on the analytical model")
    fig.legend(*ax.get_legend_handles_labels(), loc="outside upper center", ncols=2, frameon=False)
    return {"figure5_costs": fig}


if __name__ == "__main__":
    sys.exit(experiment_main(__file__, draw))
