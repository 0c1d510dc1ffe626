"""The trace files: per-inference CSV, JSON lines and Chrome trace JSON."""

from __future__ import annotations

import csv
import errno
import itertools
import json
import os
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.builders import long_and_fast, run, scenario, system
from xrsim import atomicio
from xrsim.sim.trace import ExecutionSlice, Trace, write_timeline_csv
from xrsim.sim.trace_writers import (
    RECORD_COLUMNS,
    chrome_trace,
    write_blocks_csv,
    write_chrome_trace,
    write_jsonl,
    write_records_csv,
)


def _trace(record_blocks: bool = True):
    return long_and_fast(granularity="block:1", preemptive=True, record_blocks=record_blocks)


def test_records_csv(tmp_path: Path) -> None:
    write_records_csv(_trace(), tmp_path / "r.csv")
    rows = list(csv.DictReader((tmp_path / "r.csv").read_text().splitlines()))
    assert tuple(rows[0]) == RECORD_COLUMNS
    assert [(r["model"], r["preemptions"]) for r in rows] == [("fast", "0"), ("long", "1")]


def test_jsonl_has_inferences_then_blocks(tmp_path: Path) -> None:
    write_jsonl(_trace(), tmp_path / "t.jsonl")
    lines = [json.loads(line) for line in (tmp_path / "t.jsonl").read_text().splitlines()]
    assert [x["kind"] for x in lines] == ["run"] + ["inference"] * 2 + ["block"] * 5
    assert lines[0]["sub_accelerators"] == ["acc0"]
    assert lines[2]["model"] == "long" and lines[2]["suspended_s"] > 0


def test_chrome_trace_has_one_track_per_sub_accelerator(tmp_path: Path) -> None:
    write_chrome_trace(_trace(), tmp_path / "t.json")
    events = json.loads((tmp_path / "t.json").read_text())["traceEvents"]
    names = {e["tid"]: e["args"]["name"] for e in events if e["name"] == "thread_name"}
    assert names == {0: "acc0", 1: "drops"}
    spans = [(e["name"], e["ts"], e["dur"]) for e in events if e["ph"] == "X"]
    assert spans[:2] == [("long#0.0", 0.0, 5000.0), ("fast#0.0", 5000.0, 2000.0)]


def test_chrome_trace_without_blocks_uses_execution_slices() -> None:
    events = chrome_trace(_trace(record_blocks=False))["traceEvents"]
    spans = [(e["name"], e["ts"], e["dur"]) for e in events if e["ph"] == "X"]
    assert spans == [("long#0", 0, 5000), ("fast#0", 5000, 2000), ("long#0", 7000, 15000)]


def test_execution_slices_come_from_records_only_when_the_engine_logged_none() -> None:
    # The default engine logs slices; an empty list of them (e.g. a window after every
    # slice ended) must not be mistaken for "not logged" and derived from the records.
    trace = run(scenario([{"model": "m", "fps": 10}], {"m": 1}), system(1), {"m": [(1, 1, 0)]},
                duration_ms=1)
    assert trace.slices_recorded
    assert [(s.start_s, s.end_s) for s in trace.execution_slices()] == [(0.0, 0.001)]
    trace.slices.clear()
    assert trace.execution_slices() == []
    trace.slices_recorded = False  # as the reference runtime leaves it: one slice per inference
    assert [(s.start_s, s.end_s) for s in trace.execution_slices()] == [(0.0, 0.001)]


@pytest.mark.parametrize("write", [write_timeline_csv, write_records_csv, write_blocks_csv, write_jsonl,
                                   write_chrome_trace])
def test_writers_leave_the_old_file_on_a_full_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   write) -> None:
    """The disk fills as the file is flushed: the previous file stays whole, nothing else is left."""
    trace = _trace()
    path = tmp_path / "out"
    path.write_text("previous run")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(atomicio.os, "fsync", full)
    with pytest.raises(OSError, match="No space left"):
        write(trace, path)
    assert path.read_text() == "previous run"
    assert [p.name for p in tmp_path.iterdir()] == ["out"]
    monkeypatch.undo()
    write(trace, path)
    assert path.read_text() != "previous run" and [p.name for p in tmp_path.iterdir()] == ["out"]


def _back_to_back(bounds: list[float]) -> list[tuple[Decimal, Decimal]]:
    """(ts, dur) of a track of slices [b0, b1), [b1, b2), ... as a viewer reads the JSON:
    exact decimals."""
    trace = Trace(scenario="s", system="h", models=("m",), sub_accelerators=("acc0",),
                  slices_recorded=True)
    trace.slices = [ExecutionSlice(0, "m", i, a, b) for i, (a, b) in enumerate(itertools.pairwise(bounds))]
    events = json.loads(json.dumps(chrome_trace(trace)), parse_float=Decimal)["traceEvents"]
    return [(Decimal(e["ts"]), Decimal(e["dur"])) for e in events if e["ph"] == "X"]


def test_chrome_slices_end_where_the_next_begins() -> None:
    """1.0006 -> 1.0011 us, then on: both ends round to 1.001 us; rounding the 0.5 ns
    duration on its own gave 0.001 and a slice ending 1 ns into the next one."""
    (ts0, dur0), (ts1, _) = _back_to_back([1.0006e-6, 1.0011e-6, 2e-6])
    assert (ts0, dur0, ts1) == (Decimal("1.001"), Decimal("0"), Decimal("1.001"))


@given(st.lists(st.floats(0, 10), min_size=2, max_size=30).map(sorted))
def test_chrome_slices_on_a_track_never_overlap(bounds: list[float]) -> None:
    spans = _back_to_back(bounds)
    assert all(dur >= 0 for _, dur in spans)
    for (ts, dur), (next_ts, _) in itertools.pairwise(spans):
        assert ts + dur == next_ts  # back to back in the run: back to back in the file
