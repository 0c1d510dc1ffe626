"""XRBench Figure 5 in mode xrbench: 26 designs x 7 scenarios with the reference's costs.

Writes results.csv (one row per design, scenario and seed), summary.md (mean score per
design and scenario) and figure5.png. Scenarios with p = 1 are deterministic; the three
with p < 1 are averaged over --seeds seeds.

    python experiments/figure5/run.py [--seeds 20] [--out experiments/figure5]
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import numpy as np
from tqdm import tqdm

from xrsim.hardware import list_hardware, load_hardware
from xrsim.plots.score_bars import plot_score_grid
from xrsim.run import simulate
from xrsim.workload import load_scenario

SCENARIOS = ("ar_assistant", "ar_gaming", "outdoor_activity_a", "outdoor_activity_b",
             "social_interaction_a", "social_interaction_b", "vr_gaming")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent)
    args = parser.parse_args()
    designs = [n for n in list_hardware() if n.startswith("xrbench-")]
    scenarios = {s: load_scenario(s) for s in SCENARIOS}
    rows = []
    mean: dict[tuple[str, str], float] = {}
    for design in tqdm(designs, desc="designs", unit="design"):
        system = load_hardware(design)
        for name, scenario in scenarios.items():
            stochastic = any(c.probability < 1 for c in scenario.spec.cascades)
            seeds = range(args.seeds) if stochastic else range(1)
            scores = []
            for seed in seeds:
                result = simulate(system, scenario, mode="xrbench", costs="table", seed=seed)
                scores.append(result.score.score)
                rows.append((design, name, seed, result.score.score, result.score.rt,
                             result.score.en, result.score.qoe))
            mean[(design, name)] = float(np.mean(scores))
    args.out.mkdir(parents=True, exist_ok=True)
    with open(args.out / "results.csv", "w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["design", "scenario", "seed", "score", "rt", "en", "qoe"])
        writer.writerows(rows)
    lines = ["| design | " + " | ".join(SCENARIOS) + " | mean |",
             "|---" * (len(SCENARIOS) + 2) + "|"]
    for design in designs:
        values = [mean[(design, s)] for s in SCENARIOS]
        lines.append(f"| {design} | " + " | ".join(f"{v:.1f}" for v in values)
                     + f" | **{np.mean(values):.1f}** |")
    (args.out / "summary.md").write_text("\n".join(lines) + "\n")
    for budget in ("4k", "8k"):
        subset = [d for d in designs if f"-{budget}-" in d]
        plot_score_grid(mean, subset, SCENARIOS, args.out / f"figure5_{budget}.png",
                        title=f"XRBench Figure 5, {budget.upper()} PEs (mode xrbench, reference costs)")
    print((args.out / "summary.md").read_text())


if __name__ == "__main__":
    main()
