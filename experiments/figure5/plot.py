"""XRBench Figure 5 from its sweep's results: figure5_4k.png and figure5_8k.png beside this
script, mean score per design and scenario over the seeds. It runs nothing; the sweep does:

    python -m xrsim.sweep experiments/figure5/sweep.yaml --out experiments/figure5/results
    python experiments/figure5/plot.py experiments/figure5/results
"""

from __future__ import annotations

import argparse
import csv
from collections import defaultdict
from pathlib import Path

import numpy as np

from xrsim.plots.score_bars import plot_score_grid

HERE = Path(__file__).parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path, help="the sweep's --out folder")
    parser.add_argument("--out-dir", type=Path, default=HERE,
                        help="where to write (default: beside this script)")
    args = parser.parse_args()
    scores: dict[tuple[str, str], list[float]] = defaultdict(list)
    with open(args.results / "runs.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["status"] == "ok":
                scores[(row["design"], row["scenario"])].append(float(row["score"]))
    mean = {pair: float(np.mean(values)) for pair, values in scores.items()}
    designs = sorted({d for d, _ in mean})
    scenarios = sorted({s for _, s in mean})
    for budget in ("4k", "8k"):
        subset = [d for d in designs if f"-{budget}-" in d]
        path = args.out_dir / f"figure5_{budget}.png"
        plot_score_grid(mean, subset, scenarios, path,
                        title=f"XRBench Figure 5, {budget.upper()} PEs (mode xrbench, reference costs)")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
