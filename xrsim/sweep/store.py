"""A sweep's results folder: the append-only log that makes a sweep resumable, and the
files written from it (runs.csv, summary.md, manifest.json).

``results.jsonl`` gets one line per finished run, flushed as it is written and synced
to disk at least once a second, so a sweep killed at any moment loses at most the runs
in flight; a torn last line (the process died mid-write) is cut off and its run redone.
The other files are rewritten whole, to a temporary file first and then renamed.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

import numpy as np

from xrsim.atomicio import atomic_write
from xrsim.errors import SpecError

METRIC_COLUMNS = (
    "score", "rt", "en", "qoe", "frames", "completed", "dropped", "missed", "miss_rate", "drop_rate",
    "latency_p50_s", "latency_p90_s", "latency_p99_s", "latency_mean_s", "energy_per_frame_j",
    "energy_j", "average_power_w", "edp_j_s", "antt", "fairness", "utilisation_mean", "total_pes",
    "dynamic_energy_per_frame_j", "area_mm2", "power_avg_w", "power_peak_w", "static_energy_j",
    "dram_energy_j", "inferences_per_s_per_w", "inferences_per_s_per_mm2", "busy_clock_mean_ghz",
)
SYNC_EVERY_S = 1.0


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that a reader sees the old file or the new, never half."""
    with atomic_write(path, newline="") as handle:
        handle.write(text)


class ResultsLog:
    """``results.jsonl``: read what earlier sessions finished, append what this one does."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: IO[str] | None = None
        self._synced = time.monotonic()

    def read(self) -> list[dict[str, Any]]:
        """Every whole line written so far; a torn last line is cut off the file."""
        if not self.path.exists():
            return []
        data = self.path.read_bytes()
        whole = data.rfind(b"\n") + 1
        if whole < len(data):
            with open(self.path, "r+b") as handle:
                handle.truncate(whole)
        rows = []
        for line in data[:whole].splitlines():
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(row, dict) and "key" in row:
                rows.append(row)
        return rows

    def latest(self) -> dict[str, dict[str, Any]]:
        """The last row of each key: a failed run that later succeeded counts as ok."""
        return {row["key"]: row for row in self.read()}

    def append(self, rows: Iterable[dict[str, Any]]) -> None:
        if self._handle is None:  # kept open across appends; close() ends it
            self._handle = open(self.path, "a", encoding="utf-8")  # noqa: SIM115
        for row in rows:
            self._handle.write(json.dumps(row, separators=(",", ":")) + "\n")
        self._handle.flush()
        if time.monotonic() - self._synced >= SYNC_EVERY_S:
            self.sync()

    def sync(self) -> None:
        if self._handle is not None:
            self._handle.flush()
            os.fsync(self._handle.fileno())
        self._synced = time.monotonic()

    def close(self) -> None:
        if self._handle is not None:
            self.sync()
            self._handle.close()
            self._handle = None


@contextlib.contextmanager
def folder_lock(out: Path) -> Iterator[None]:
    """Hold ``out`` for one sweep at a time: two sweeps writing one log would run every
    run twice. An advisory lock on ``out/.lock``, released when the process ends, however
    it ends; where the platform has no ``fcntl`` (Windows) there is no lock."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    with open(out / ".lock", "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SpecError(out, "--out", "another sweep is writing to this folder; wait for it to end "
                                          "or give another --out") from None
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def read_manifest(out: Path) -> dict[str, Any]:
    """The results folder's manifest.json as written, or {} where there is none (or it is
    unreadable: it is rewritten whole by the next sweep)."""
    try:
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}
    return manifest if isinstance(manifest, dict) else {}


def _cell(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True)
    return "" if value is None else value


def runs_csv(rows: Sequence[dict[str, Any]], axes: Sequence[str]) -> str:
    """One row per run, one column per axis and metric."""
    columns = ["key", "status", "design", "scenario", "seed", "mode", "costs",
               *[a for a in axes if a not in ("mode", "costs")], *METRIC_COLUMNS,
               "wall_s", "error", "command"]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return buffer.getvalue()


def configuration(row: dict[str, Any], axes: Sequence[str]) -> str:
    """A design with the axis values it ran under (not seed or scenario): a summary's row."""
    varying = [f"{a}={_cell(row[a])}" for a in axes if row.get(a) is not None]
    return ", ".join([row["design"], *varying])


def summary_md(name: str, rows: Sequence[dict[str, Any]], axes: Sequence[str], top: int = 5) -> str:
    """Per configuration: mean and spread of the score over seeds and scenarios, best first;
    then the mean score per configuration and scenario."""
    ok = [r for r in rows if r["status"] == "ok"]
    failed = [r for r in rows if r["status"] != "ok"]
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(configuration(row, axes), []).append(row)
    scenarios = list(dict.fromkeys(r["scenario"] for r in rows))
    lines = [f"# Sweep {name}", "",
             f"{len(rows)} runs: {len(ok)} ok, {len(failed)} failed; {len(groups)} configuration(s), "
             f"{len(scenarios)} scenario(s), {len({r['seed'] for r in rows})} seed(s).", "",
             "## Configurations, best first", "",
             "Score over every scenario and seed of a configuration: mean, standard deviation, "
             "minimum and maximum; RT, EN, QoE and miss rate are means.", "",
             "| configuration | runs | failed | score | std | min | max | RT | EN | QoE | miss rate |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    ranked = []
    for label, group in groups.items():
        good = [r for r in group if r["status"] == "ok"]
        scores = np.array([r["score"] for r in good])
        ranked.append((float(scores.mean()) if good else float("-inf"), label, group, good, scores))
    # A configuration with failed runs is ranked after every one without: its mean is of
    # the runs that finished, which may be its easy ones.
    ranked.sort(key=lambda item: (any(r["status"] != "ok" for r in item[2]), -item[0]))
    for mean, label, group, good, scores in ranked:
        if not good:
            lines.append(f"| {label} | {len(group)} | {len(group)} | - | - | - | - | - | - | - | - |")
            continue
        parts = [np.mean([r[m] for r in good]) for m in ("rt", "en", "qoe", "miss_rate")]
        lines.append(f"| {label} | {len(group)} | {len(group) - len(good)} | {mean:.2f} | {scores.std():.2f} "
                     f"| {scores.min():.2f} | {scores.max():.2f} | "
                     + " | ".join(f"{p:.3f}" for p in parts) + " |")
    lines += ["", "## Mean score per configuration and scenario", "",
              "| configuration | " + " | ".join(scenarios) + " | mean |",
              "|---" * (len(scenarios) + 2) + "|"]
    for label, group in groups.items():
        cells = []
        for scenario in scenarios:
            found = [r["score"] for r in group if r["scenario"] == scenario and r["status"] == "ok"]
            cells.append(float(np.mean(found)) if found else None)
        known = [c for c in cells if c is not None]
        mean_text = f"**{np.mean(known):.1f}**" if len(known) == len(cells) else "-"
        lines.append(f"| {label} | " + " | ".join("-" if c is None else f"{c:.1f}" for c in cells)
                     + f" | {mean_text} |")
    if failed:
        lines += ["", "## Failed runs", "", "| configuration | scenario | seed | error |",
                  "|---|---|---:|---|"]
        for row in failed[:20]:
            error = str(row.get("error", "")).replace("|", "\\|")
            lines.append(f"| {configuration(row, axes)} | {row['scenario']} | {row['seed']} | {error} |")
        if len(failed) > 20:
            lines.append(f"| ... | {len(failed) - 20} more in results.jsonl | | |")
    complete = [(mean, label) for mean, label, group, *_ in ranked
                if all(r["status"] == "ok" for r in group)]
    lines += ["", f"Best: {complete[0][1]} ({complete[0][0]:.2f})" if complete
              else "No configuration finished every run.", ""]
    return "\n".join(lines)


def best_configurations(rows: Sequence[dict[str, Any]], axes: Sequence[str], top: int = 5
                        ) -> list[tuple[str, float, int]]:
    """(configuration, mean score, runs) of the ``top`` best configurations whose every
    run finished."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(configuration(row, axes), []).append(row)
    ranked = sorted(((label, float(np.mean([r["score"] for r in g])), len(g)) for label, g in groups.items()
                     if all(r["status"] == "ok" for r in g)), key=lambda item: -item[1])
    return ranked[:top]
