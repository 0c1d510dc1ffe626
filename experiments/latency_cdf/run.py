"""Per-model latency CDFs of AR gaming on xrbench-8k-J, the reference's scheduling order
against EDF, with each model's deadline.

    python experiments/latency_cdf/run.py [--out DIR]

writes DIR/latency_cdf.pdf|png and the runs' traces in DIR/traces.
"""

import sys

from xrsim.experiment import experiment_main, trace_of
from xrsim.plots.data import load_trace
from xrsim.plots.latency_cdf import latency_cdf


def draw(folder, rows):  # type: ignore[no-untyped-def]
    traces = [load_trace(trace_of(row, folder, f"{row['design']}-{row['scheduler']}")) for row in rows]
    return {"latency_cdf": latency_cdf(traces)}


if __name__ == "__main__":
    sys.exit(experiment_main(__file__, draw))
