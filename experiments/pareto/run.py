"""Score against PEs over 90 generated designs; the Pareto front highlighted and named.

    python experiments/pareto/run.py [--out DIR]

writes DIR/pareto.pdf|png and the sweep's runs.csv (270 runs).
"""

import sys

from xrsim.experiment import experiment_main
from xrsim.plots.pareto import pareto


def draw(folder, rows):  # type: ignore[no-untyped-def]
    return {"pareto": pareto(rows)}


if __name__ == "__main__":
    sys.exit(experiment_main(__file__, draw))
