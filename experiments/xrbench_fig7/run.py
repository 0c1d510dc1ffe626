"""XRBench's Figure 7: RT, EN, QoE and the score against the cascade probability of VR
gaming on xrbench-4k-B and xrbench-4k-J, mean and 95 % interval over seeds 1-100.

    python experiments/xrbench_fig7/run.py [--out DIR]

writes DIR/fig7.pdf|png and the sweep's runs.csv (800 runs).
"""

import sys

from xrsim.experiment import experiment_main
from xrsim.plots.cascade import cascade_rates


def draw(folder, rows):  # type: ignore[no-untyped-def]
    return {"fig7": cascade_rates(rows)}


if __name__ == "__main__":
    sys.exit(experiment_main(__file__, draw))
