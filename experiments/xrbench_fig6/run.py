"""XRBench's Figure 6: Gantt timelines of AR gaming on xrbench-4k-J and xrbench-8k-J.

    python experiments/xrbench_fig6/run.py [--out DIR]

writes DIR/fig6.pdf|png (one panel per design: a lane per sub-accelerator and one for
drops, a colour per model, each frame's release-to-deadline window above its bar, missed
deadlines hatched) and the runs' traces in DIR/traces.
"""

import sys

from xrsim.experiment import experiment_main, trace_of
from xrsim.plots.data import load_trace
from xrsim.plots.timeline import timeline


def draw(folder, rows):  # type: ignore[no-untyped-def]
    traces = [load_trace(trace_of(row, folder, row["design"])) for row in rows]
    return {"fig6": timeline(traces)}


if __name__ == "__main__":
    sys.exit(experiment_main(__file__, draw))
