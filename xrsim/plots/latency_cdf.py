"""Per-model latency distributions of two (or more) runs - a design or a scheduler
against another - with each model's deadline."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from xrsim import units
from xrsim.plots.data import TraceFile, trace_labels
from xrsim.plots.style import COLUMN_WIDTH_IN, PAGE_WIDTH_IN, pyplot

if TYPE_CHECKING:
    from matplotlib.figure import Figure

STYLES = ("-", "--", ":", "-.")


def latency_cdf(traces: list[TraceFile], title: str | None = None) -> Figure:
    plt = pyplot()
    models = list(dict.fromkeys(m for t in traces for m in t.run["models"]))
    cols = 1 if len(models) <= 3 else 2
    rows = math.ceil(len(models) / cols)
    width = COLUMN_WIDTH_IN if cols == 1 else PAGE_WIDTH_IN
    fig, axes = plt.subplots(rows, cols, squeeze=False, figsize=(width, 1.45 * rows + 0.6),
                             layout="constrained")
    labels = trace_labels(traces)
    for k, model in enumerate(models):
        ax = axes[k // cols, k % cols]
        for t, trace in enumerate(traces):
            frames = [r for r in trace.records if r["model"] == model]
            done = [r for r in frames if not r["dropped"]]
            if not done:
                continue
            # the share of all frames, dropped ones never completing: a curve that stops short
            # of 1 shows the drops
            latency = np.sort([units.s_to_ms(r["completion_s"] - r["release_s"]) for r in done])
            share = np.arange(1, len(latency) + 1) / len(frames)
            ax.step(np.r_[latency[0], latency], np.r_[0.0, share], where="post", color="black",
                    linestyle=STYLES[t % len(STYLES)], linewidth=1, label=labels[t])
            deadline = float(np.median([units.s_to_ms(r["deadline_s"] - r["release_s"]) for r in done]))
            ax.axvline(deadline, color="#D55E00", linewidth=0.8, linestyle=STYLES[t % len(STYLES)])
        ax.set_title(model, loc="left")
        ax.set_xlabel("latency (ms)")
        ax.set_ylabel("share of frames\n(drops never end)" if k == 0 else "share of frames")
        ax.set_ylim(0, 1.02)
    for k in range(len(models), rows * cols):
        axes[k // cols, k % cols].set_visible(False)
    handles = [plt.Line2D([], [], color="black", linestyle=STYLES[t % len(STYLES)], label=label)
               for t, label in enumerate(labels)]
    handles.append(plt.Line2D([], [], color="#D55E00", label="deadline"))
    fig.legend(handles=handles, loc="outside upper center", ncols=2, frameon=False)
    if title:
        fig.suptitle(title)
    return fig
