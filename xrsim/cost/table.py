"""The ``table`` backend: whole-model costs measured elsewhere, read from a CSV.

It ships with the XRBench reference's MAESTRO costs of every Figure 5 sub-accelerator
(``data/xrbench_maestro_costs.csv``, already in seconds and joules). Like the reference,
it identifies a sub-accelerator by (dataflow, PE count, NoC words per cycle) alone and
ignores every other field: buffers, clock and DRAM do not change a table's numbers.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from xrsim.cost.base import CostModel, ModelCost, register_cost_model
from xrsim.errors import SpecError
from xrsim.hardware.spec import HardwareSystem, SubAccelerator
from xrsim.specio import read_text
from xrsim.workload.model import Model

DEFAULT_TABLE = Path(__file__).resolve().parent / "data" / "xrbench_maestro_costs.csv"
COLUMNS = ("dataflow", "num_pes", "noc_words_per_cycle", "model", "latency_s", "energy_j")

Key = tuple[str, int, float, str]


@cache
def _read_table(path: Path) -> dict[Key, tuple[float, float]]:
    text = read_text(path)
    rows: dict[Key, tuple[float, float]] = {}
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise SpecError(path, None, f"missing column(s): {', '.join(missing)}")
    for line, row in enumerate(reader, start=2):
        try:
            key = (row["dataflow"].upper(), int(row["num_pes"]),
                   float(row["noc_words_per_cycle"]), row["model"])
            value = (float(row["latency_s"]), float(row["energy_j"]))
        except (TypeError, ValueError) as exc:
            raise SpecError(path, f"line {line}", f"bad value ({exc})") from None
        if value[0] <= 0 or value[1] < 0:
            raise SpecError(path, f"line {line}", "latency must be > 0 and energy >= 0")
        rows[key] = value
    return rows


@register_cost_model("table")
class TableCostModel(CostModel):
    totals_from = frozenset({"dataflow", "num_pes", "noc_words_per_cycle"})

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path is not None else DEFAULT_TABLE

    def model_cost(self, model: Model, sub: SubAccelerator, system: HardwareSystem) -> ModelCost:
        rows = _read_table(self.path)
        key = (sub.dataflow, sub.num_pes, float(sub.noc_words_per_cycle), model.name)
        if key not in rows:
            raise SpecError(
                self.path,
                "rows",
                f"no cost for model '{model.name}' on dataflow {sub.dataflow}, "
                f"{sub.num_pes} PEs, NoC {sub.noc_words_per_cycle:g} words/cycle "
                f"(sub-accelerator '{sub.name}' of '{system.name}'); the table backend only "
                "knows the configurations in its CSV - use --costs analytical for others",
            )
        latency_s, energy_j = rows[key]
        # the reference's MAESTRO totals leave DRAM energy out
        return ModelCost(model=model.name, sub_accelerator=sub.name,
                         latency_s=latency_s, energy_j=energy_j, dram_energy_j=0.0)
