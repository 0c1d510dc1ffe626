"""Writers of a Trace: per-inference CSV, JSON lines (inferences, then blocks) and Chrome
trace JSON (one track per sub-accelerator; open it in https://ui.perfetto.dev).

Files keep SI units and say so in their keys (``release_s``), except the Chrome trace,
whose format counts microseconds. Every file is written atomically (``xrsim.atomicio``):
whole, or not at all."""

from __future__ import annotations

import csv
import json
from dataclasses import asdict, fields
from pathlib import Path

from xrsim import units
from xrsim.atomicio import atomic_write
from xrsim.sim.trace import BlockRecord, InferenceRecord, Trace

POINT_COLUMNS = ("clock_ghz", "voltage_v")
"""The DVFS operating point: written only when the trace has one (a system that lists
operating points), so that files of runs without DVFS are as they were."""
RECORD_COLUMNS = tuple(f.name for f in fields(InferenceRecord) if f.name not in POINT_COLUMNS)
BLOCK_COLUMNS = ("model", "frame", "block", "first_layer", "end_layer", "sub_index", "start_s",
                 "end_s", "energy_j")


def has_points(trace: Trace) -> bool:
    """Whether any record, slice or block of ``trace`` ran at a DVFS operating point."""
    return (any(r.clock_ghz is not None for r in trace.records)
            or any(s.clock_ghz is not None for s in trace.slices)
            or any(b.clock_ghz is not None for b in trace.blocks))


def write_records_csv(trace: Trace, path: Path) -> None:
    """Every inference record, completed and dropped, in log order."""
    columns = RECORD_COLUMNS + (POINT_COLUMNS if has_points(trace) else ())
    with atomic_write(path, newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for r in trace.records:
            writer.writerow(["" if v is None else v for v in (getattr(r, c) for c in columns)])


def _block_row(b: BlockRecord, points: bool) -> list[object]:
    row: list[object] = [b.model, b.frame, b.block, b.layers[0], b.layers[1], b.sub_index, b.start_s,
                         b.end_s, b.energy_j]
    if points:
        row += ["" if b.clock_ghz is None else b.clock_ghz, "" if b.voltage_v is None else b.voltage_v]
    return row


def write_blocks_csv(trace: Trace, path: Path) -> None:
    """Every layer block (recorded with ``record_blocks``), in the order they ended; layers
    [first_layer, end_layer) of the model ran in it."""
    points = has_points(trace)
    with atomic_write(path, newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(BLOCK_COLUMNS + (POINT_COLUMNS if points else ()))
        writer.writerows(_block_row(b, points) for b in trace.blocks)


def write_jsonl(trace: Trace, path: Path) -> None:
    """One JSON object a line: ``{"kind": "run", ...}`` (scenario, system, models,
    sub-accelerators, end and warm-up times), then ``{"kind": "inference", ...}`` and
    ``{"kind": "block", ...}`` - enough for a timeline to be drawn from the file alone.
    ``clock_ghz`` and ``voltage_v`` are there when the trace has DVFS operating points."""
    header = {"kind": "run", "scenario": trace.scenario, "system": trace.system,
              "models": list(trace.models), "sub_accelerators": list(trace.sub_accelerators),
              "end_s": trace.end_s, "warmup_s": trace.warmup_s}
    drop = () if has_points(trace) else POINT_COLUMNS

    def row(kind: str, record: InferenceRecord | BlockRecord) -> str:
        fields_ = {k: v for k, v in asdict(record).items() if k not in drop}
        return json.dumps({"kind": kind, **fields_}) + "\n"

    with atomic_write(path) as handle:
        handle.write(json.dumps(header) + "\n")
        for r in trace.records:
            handle.write(row("inference", r))
        for b in trace.blocks:
            handle.write(row("block", b))


def _us(value_s: float) -> float:
    """Microseconds to the nanosecond: finer digits are float noise."""
    return round(units.s_to_us(value_s), 3)


def _point_args(clock_ghz: float | None, voltage_v: float | None) -> dict[str, float]:
    """A slice's DVFS operating point, when its sub-accelerator lists points."""
    return {} if clock_ghz is None else {"clock_ghz": clock_ghz, "voltage_v": voltage_v or 0.0}


def chrome_trace(trace: Trace) -> dict:
    """The trace as Chrome trace events: a complete ("X") event per execution slice (per
    block when block records were asked for) on its sub-accelerator's track, and an
    instant event per dropped frame on a "drops" track."""
    pid = 1
    drops_tid = len(trace.sub_accelerators)
    events: list[dict] = [{"ph": "M", "pid": pid, "name": "process_name",
                           "args": {"name": f"{trace.scenario} on {trace.system}"}}]
    for tid, name in enumerate([*trace.sub_accelerators, "drops"]):
        events.append({"ph": "M", "pid": pid, "tid": tid, "name": "thread_name", "args": {"name": name}})
    if trace.blocks:
        spans = [(b.sub_index, f"{b.model}#{b.frame}.{b.block}", b.start_s, b.end_s,
                  {"model": b.model, "frame": b.frame, "layers": list(b.layers), "energy_j": b.energy_j,
                   **_point_args(b.clock_ghz, b.voltage_v)})
                 for b in trace.blocks]
    else:
        spans = [(s.sub_index, f"{s.model}#{s.frame}", s.start_s, s.end_s,
                  {"model": s.model, "frame": s.frame, **_point_args(s.clock_ghz, s.voltage_v)})
                 for s in trace.execution_slices()]
    for tid, name, start, end, args in spans:
        # The duration comes from the rounded end points (rounding start and duration each
        # could end a slice 1 ns into the next one on its track): ts + dur is the rounded
        # end exactly, and rounding keeps back-to-back slices back to back.
        ts = _us(start)
        events.append({"ph": "X", "pid": pid, "tid": tid, "name": name, "cat": args["model"],
                       "ts": ts, "dur": round(_us(end) - ts, 3), "args": args})
    for r in trace.records:
        if r.dropped:
            events.append({"ph": "i", "s": "t", "pid": pid, "tid": drops_tid, "name": f"{r.model}#{r.frame}",
                           "ts": _us(r.completion_s), "args": {"deadline_us": _us(r.deadline_s)}})
    return {"traceEvents": events, "displayTimeUnit": "ms"}


def write_chrome_trace(trace: Trace, path: Path) -> None:
    with atomic_write(path) as handle:
        json.dump(chrome_trace(trace), handle)
