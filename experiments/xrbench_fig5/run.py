"""XRBench's Figure 5: RT, EN, QoE and the score of the 13 designs at 4K and at 8K PEs on
the 7 usage scenarios, in mode xrbench with the reference's costs.

    python experiments/xrbench_fig5/run.py [--out DIR]

writes DIR/fig5_4k.pdf|png, DIR/fig5_8k.pdf|png, and the sweep's runs.csv and summary.md.
"""

import sys

from xrsim.experiment import experiment_main
from xrsim.plots.score_bars import score_bars


def draw(folder, rows):  # type: ignore[no-untyped-def]
    return {f"fig5_{budget}": score_bars([r for r in rows if f"-{budget}-" in r["design"]],
                                         title=f"{budget.upper()} PEs: XRBench Figure 5 in mode xrbench")
            for budget in ("4k", "8k")}


if __name__ == "__main__":
    sys.exit(experiment_main(__file__, draw))
