"""XRBench Figure 5 style: the score of each design on each scenario, and their mean."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path


def plot_score_grid(scores: Mapping[tuple[str, str], float], designs: Sequence[str],
                    scenarios: Sequence[str], path: Path, title: str = "") -> None:
    """Grouped bars: one group per design, one bar per scenario, a marker for the mean."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    width = 0.8 / len(scenarios)
    x = np.arange(len(designs))
    fig, ax = plt.subplots(figsize=(max(10.0, 0.7 * len(designs) + 3), 4.2))
    for j, scenario in enumerate(scenarios):
        values = [scores[(d, scenario)] for d in designs]
        ax.bar(x - 0.4 + (j + 0.5) * width, values, width, label=scenario)
    means = [np.mean([scores[(d, s)] for s in scenarios]) for d in designs]
    ax.plot(x, means, "k_", markersize=14, markeredgewidth=2.5, label="mean")
    ax.set_xticks(x, designs, rotation=60, ha="right", fontsize=8)
    ax.set_ylabel("XRBench score")
    ax.set_ylim(0, 100)
    ax.set_title(title)
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    fig.tight_layout()
    fig.savefig(path, dpi=150)
    plt.close(fig)
