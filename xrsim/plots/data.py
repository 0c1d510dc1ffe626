"""What figures are drawn from: a sweep's results folder, or a run's JSON lines trace."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from xrsim.errors import SpecError


def load_results(folder: Path) -> list[dict[str, Any]]:
    """The latest row of every run in ``folder/results.jsonl`` that finished ok, in the
    sweep's plan order (runs.csv's), not the order runs happened to finish in: the same
    results draw the same figure."""
    path = Path(folder) / "results.jsonl"
    if not path.is_file():
        raise SpecError(folder, None, "not a sweep's results folder: no results.jsonl in it")
    latest: dict[str, dict[str, Any]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            continue  # a torn last line: the sweep redoes that run
        if isinstance(row, dict) and "key" in row:
            latest[row["key"]] = row
    rows = [r for r in latest.values() if r.get("status") == "ok"]
    if not rows:
        raise SpecError(path, None, "holds no finished run")
    order = _plan_order(Path(folder) / "runs.csv")
    return sorted(rows, key=lambda r: (order.get(r["key"], len(order)), r["key"]))


def _plan_order(runs_csv: Path) -> dict[str, int]:
    if not runs_csv.is_file():
        return {}
    with open(runs_csv, newline="", encoding="utf-8") as handle:
        return {row["key"]: i for i, row in enumerate(csv.DictReader(handle))}


@dataclass(frozen=True)
class TraceFile:
    """A run's ``--trace-jsonl``: its header and its inference records."""

    path: Path
    run: dict[str, Any]
    records: list[dict[str, Any]]

    @property
    def label(self) -> str:
        return f"{self.run.get('scenario', '?')} on {self.run.get('system', '?')}"


def load_trace(path: Path) -> TraceFile:
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
        items = [json.loads(line) for line in lines if line.strip()]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SpecError(path, None, f"not a JSON lines trace of python -m xrsim run --trace-jsonl ({exc})"
                        ) from None
    runs = [x for x in items if isinstance(x, dict) and x.get("kind") == "run"]
    if not runs:
        raise SpecError(path, None, "not a JSON lines trace of python -m xrsim run --trace-jsonl "
                                    "(no run header)")
    return TraceFile(path, runs[0], [x for x in items if x.get("kind") == "inference"])


def trace_labels(traces: Sequence[TraceFile]) -> list[str]:
    """Each trace's scenario and system, or its file's name where two would read the same
    (a scheduler against another on one design)."""
    labels = [t.label for t in traces]
    return [t.path.stem if labels.count(label) > 1 else label
            for t, label in zip(traces, labels, strict=True)]


def grouped_mean(rows: Iterable[dict[str, Any]], key: Callable[[dict[str, Any]], Any], metric: str
                 ) -> dict[Any, tuple[float, float, int]]:
    """(mean, half width of a 95 % confidence interval, count) of ``metric`` per group.
    The interval is the normal approximation 1.96 s / sqrt(n), 0 for one value."""
    groups: dict[Any, list[float]] = defaultdict(list)
    for row in rows:
        value = row.get(metric)
        if value is not None:
            groups[key(row)].append(float(value))
    out = {}
    for group, values in groups.items():
        data = np.array(values)
        half = 1.96 * data.std(ddof=1) / np.sqrt(len(data)) if len(data) > 1 else 0.0
        out[group] = (float(data.mean()), float(half), len(data))
    return out


def in_order(values: Sequence[Any]) -> list[Any]:
    """Each value once, in the order first seen (the sweep's plan order)."""
    return list(dict.fromkeys(values))
