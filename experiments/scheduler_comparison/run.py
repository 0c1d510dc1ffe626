"""The reference scheduler against EDF, LLF and a preemptive block scheduler on AR gaming
and AR assistant, designs J and M at 8K PEs; writes a markdown table (see README.md).

    python experiments/scheduler_comparison/run.py --costs analytical
"""

from __future__ import annotations

import argparse
import itertools
from pathlib import Path

from tqdm import tqdm

from xrsim import simulate, units
from xrsim.errors import SpecError

SCENARIOS = ("ar_gaming", "ar_assistant")
HARDWARE = ("xrbench-8k-J", "xrbench-8k-M")
# (label, mode, engine options)
POLICIES: tuple[tuple[str, str, dict], ...] = (
    ("reference runtime (mode xrbench)", "xrbench", {}),
    ("xrbench order, exact releases", "default", {"scheduler": "xrbench"}),
    ("EDF", "default", {"scheduler": "edf"}),
    ("LLF", "default", {"scheduler": "llf"}),
    ("EDF, 4-layer blocks, preemptive", "default",
     {"scheduler": "edf", "granularity": "block:4", "preemptive": True}),
)
HEADER = ("| scenario | design | scheduler | score | miss rate | drop rate | energy / frame (mJ) |\n"
          "|---|---|---|---:|---:|---:|---:|")


def row(scenario: str, hardware: str, label: str, mode: str, options: dict, costs: str,
        seed: int, duration_s: float | None) -> str:
    head = f"| {scenario} | {hardware} | {label} |"
    try:
        r = simulate(hardware, scenario, mode=mode, costs=costs, seed=seed, duration_s=duration_s,
                     **options)
    except SpecError as exc:
        return f"{head} n/a: {exc} | | | |"
    s = r.stats.run
    energy = "-" if s.energy_per_frame_j is None else f"{units.j_to_mj(s.energy_per_frame_j):.2f}"
    return f"{head} {r.score.score:.2f} | {s.miss_rate:.3f} | {s.drop_rate:.3f} | {energy} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--costs", default="analytical", help="cost backend (default: analytical)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--duration-s", type=float, default=None,
                        help="simulated time of every run (default: the reference's 0.7 s)")
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("results.md"))
    args = parser.parse_args()
    lines = [f"Costs `{args.costs}`, seed {args.seed}, {args.duration_s or 0.7:g} s simulated.", "",
             HEADER]
    grid = list(itertools.product(SCENARIOS, HARDWARE, POLICIES))
    for scenario, hardware, (label, mode, options) in tqdm(grid, desc="runs", unit="run"):
        lines.append(row(scenario, hardware, label, mode, options, args.costs, args.seed,
                         args.duration_s))
    text = "\n".join(lines) + "\n"
    args.out.write_text(text, encoding="utf-8")
    print(text, end="")


if __name__ == "__main__":
    main()
