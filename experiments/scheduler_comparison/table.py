"""Tables of the scheduler comparison from its sweep's results: one markdown file per cost
backend (results_<costs>.md beside this script). It runs nothing; the sweep does:

    cd experiments/scheduler_comparison
    python -m xrsim.sweep sweep.yaml --out results && python table.py results
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from xrsim import units

HERE = Path(__file__).parent
# (mode, scheduler, granularity, preemptive) -> the row's name
POLICIES = {
    ("xrbench", None, None, None): "reference runtime (mode xrbench)",
    ("default", "xrbench", "model", False): "xrbench order, exact releases",
    ("default", "edf", "model", False): "EDF",
    ("default", "llf", "model", False): "LLF",
    ("default", "edf", "block:4", True): "EDF, 4-layer blocks, preemptive",
}
HEADER = ("| scenario | design | scheduler | score | miss rate | drop rate | energy / frame (mJ) |\n"
          "|---|---|---|---:|---:|---:|---:|")


def row_text(row: dict) -> str:
    policy = POLICIES[(row["mode"], row.get("scheduler"), row.get("granularity"), row.get("preemptive"))]
    head = f"| {row['scenario']} | {row['design']} | {policy} |"
    if row["status"] != "ok":
        return f"{head} n/a: {row['error']} | | | |"
    energy = "-" if row["energy_per_frame_j"] is None else f"{units.j_to_mj(row['energy_per_frame_j']):.2f}"
    return f"{head} {row['score']:.2f} | {row['miss_rate']:.3f} | {row['drop_rate']:.3f} | {energy} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path, help="the sweep's --out folder")
    parser.add_argument("--out-dir", type=Path, default=HERE,
                        help="where to write (default: beside this script)")
    args = parser.parse_args()
    rows = {}
    for line in (args.results / "results.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        rows[row["key"]] = row  # the last row of a key is its latest outcome
    order = list(POLICIES.values())
    for costs in sorted({r["costs"] for r in rows.values()}):
        chosen = sorted((r for r in rows.values() if r["costs"] == costs),
                        key=lambda r: (r["scenario"] != "ar_gaming", r["design"],
                                       order.index(row_text(r).split(" | ")[2])))
        first = chosen[0]
        text = "\n".join([f"Costs `{costs}`, seed {first['seed']}, {first['duration_s']:g} s simulated.", "",
                          HEADER, *(row_text(r) for r in chosen)]) + "\n"
        (args.out_dir / f"results_{costs}.md").write_text(text, encoding="utf-8")
        print(text)


if __name__ == "__main__":
    main()
