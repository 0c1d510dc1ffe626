"""The scheduler comparison as a figure and as tables: the reference runtime against EDF,
LLF and a preemptive block scheduler on AR gaming and AR assistant, designs 8k-J and 8k-M,
with the analytical and the calibrated costs.

    python experiments/schedulers/run.py [--out DIR]

writes DIR/schedulers.pdf|png and DIR/results_<costs>.md (one table per cost backend; the
copies beside this script are of such a run).
"""

import json
import sys

from xrsim import units
from xrsim.experiment import experiment_main
from xrsim.plots.schedulers import schedulers

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


def policy(row):  # type: ignore[no-untyped-def]
    return POLICIES[(row["mode"], row.get("scheduler"), row.get("granularity"), row.get("preemptive"))]


def row_text(row):  # type: ignore[no-untyped-def]
    head = f"| {row['scenario']} | {row['design']} | {policy(row)} |"
    if row["status"] != "ok":
        return f"{head} n/a: {row['error']} | | | |"
    # the frames' own (dynamic) energy, as these tables have always shown; rows before the
    # power model carried it as energy_per_frame_j
    per_frame = row.get("dynamic_energy_per_frame_j", row["energy_per_frame_j"])
    energy = "-" if per_frame is None else f"{units.j_to_mj(per_frame):.2f}"
    return f"{head} {row['score']:.2f} | {row['miss_rate']:.3f} | {row['drop_rate']:.3f} | {energy} |"


def tables(folder):  # type: ignore[no-untyped-def]
    """One markdown table per cost backend, failed runs included (as n/a with the reason)."""
    rows = {}
    for line in (folder / "results.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        rows[row["key"]] = row  # the last row of a key is its latest outcome
    order = list(POLICIES.values())
    for costs in sorted({r["costs"] for r in rows.values()}):
        chosen = sorted((r for r in rows.values() if r["costs"] == costs),
                        key=lambda r: (r["scenario"] != "ar_gaming", r["design"], order.index(policy(r))))
        first = chosen[0]
        text = "\n".join([f"Costs `{costs}`, seed {first['seed']}, {first['duration_s']:g} s simulated.", "",
                          HEADER, *(row_text(r) for r in chosen)]) + "\n"
        (folder / f"results_{costs}.md").write_text(text, encoding="utf-8")


def draw(folder, rows):  # type: ignore[no-untyped-def]
    tables(folder)
    return {"schedulers": schedulers(rows)}


if __name__ == "__main__":
    sys.exit(experiment_main(__file__, draw))
