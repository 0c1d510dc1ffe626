"""xrsim in mode xrbench reproduces the XRBench reference's published runs.

Oracle: the reference's own summary and timeline CSVs (tests/data/xrbench_reference/),
compared field by field: per-model RT/EN/QoE within 1e-3, the overall score within 0.01,
and the timeline row for row (times within 1e-3 ms).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from xrsim.cli import main
from xrsim.run import simulate

DATA = Path(__file__).parent / "data" / "xrbench_reference"
RUNS = [
    ("xrbench-4k-A", "Single_4K__WS", 86.466141),
    ("xrbench-4k-B", "Single_4K__OS", 31.354496),
]


def read_summary(tag: str) -> tuple[dict[str, tuple[float, float, float]], float]:
    per_model: dict[str, tuple[float, float, float]] = {}
    overall = None
    with open(DATA / f"summary_VR_gaming__{tag}.csv", newline="") as handle:
        for row in csv.reader(handle):
            if row[0] == "Model Name":
                continue
            if row[0] == "Overall Score":
                overall = float(row[1])
            else:
                per_model[row[0]] = (float(row[1]), float(row[2]), float(row[3]))
    assert overall is not None
    return per_model, overall


def read_timeline(path: Path) -> list[list[str]]:
    with open(path, newline="") as handle:
        return list(csv.reader(handle))


@pytest.mark.parametrize(("hardware", "tag", "published"), RUNS)
def test_summary_matches_reference(hardware: str, tag: str, published: float) -> None:
    per_model, overall = read_summary(tag)
    assert overall == pytest.approx(published, abs=1e-6)  # the file is the one we think
    result = simulate(hardware, "vr_gaming", mode="xrbench", costs="table")
    assert result.score.score == pytest.approx(overall, abs=1e-4)
    assert set(result.score.models) == set(per_model)
    for model, (rt, en, qoe) in per_model.items():
        got = result.score.models[model]
        assert got.rt == pytest.approx(rt, abs=1e-3), model
        assert got.en == pytest.approx(en, abs=1e-3), model
        assert got.qoe == pytest.approx(qoe, abs=1e-3), model


@pytest.mark.parametrize(("hardware", "tag", "published"), RUNS)
def test_timeline_matches_reference_row_for_row(
    hardware: str, tag: str, published: float, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "timeline.csv"
    status = main(["run", "--hardware", hardware, "--scenario", "vr_gaming", "--mode", "xrbench",
                   "--costs", "table", "--trace-csv", str(out), "--json"])
    assert status == 0
    assert json.loads(capsys.readouterr().out)["score"] == pytest.approx(published, abs=0.01)
    expected = read_timeline(DATA / f"schedule_VR_gaming__{tag}.csv")
    got = read_timeline(out)
    assert got[0] == expected[0]  # the reference's header, column for column
    assert len(got) == len(expected)
    for i, (g, e) in enumerate(zip(got[1:], expected[1:], strict=True), start=1):
        assert g[:3] == e[:3], f"row {i}: {g} != {e}"  # accelerator, model, frame
        for col in range(3, 8):  # injection, dispatch, deadline, completion, violation (ms)
            assert float(g[col]) == pytest.approx(float(e[col]), abs=1e-3), f"row {i} col {col}"
        assert float(g[8]) == pytest.approx(float(e[8]), rel=1e-6), f"row {i} energy"


def test_dependency_lag_on_design_b() -> None:
    """After ES's first drop, GE is never dispatched again (count vs frame id)."""
    result = simulate("xrbench-4k-B", "vr_gaming", mode="xrbench", costs="table")
    es_drops = [r.frame for r in result.trace.of_model("ES_RITNet") if r.dropped]
    ge_done = [r for r in result.trace.of_model("GE_FBNet_C") if not r.dropped]
    assert es_drops[0] == 1
    assert [r.frame for r in ge_done] == [0]
