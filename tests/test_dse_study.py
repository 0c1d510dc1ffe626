"""experiments/dse_xr_headset: the study's bookkeeping by hand, and the whole study in its
smoke size in one command (the full study is run by hand; its README has the figures)."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
STUDY = ROOT / "experiments" / "dse_xr_headset"


def study() -> Any:
    spec = importlib.util.spec_from_file_location("dse_run", STUDY / "run.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def entry(name: str, area: float, score: float, power: float = 0.5) -> dict[str, Any]:
    return {"design": name, "area_mm2": area, "score": score, "power_w": power}


def test_front_and_hypervolume_by_hand() -> None:
    run = study()
    points = [entry("a", 1.0, 10.0), entry("b", 2.0, 40.0), entry("c", 2.0, 30.0), entry("d", 3.0, 40.001),
              entry("e", 3.5, 60.0)]
    # c loses to b (same area, lower score); d ties b within the tables' precision
    assert [e["design"] for e in run.front(points)] == ["a", "b", "e"]
    # up to the 4 mm^2 budget: 1 x 10 + 1.5 x 40 + 0.5 x 60
    assert run.hypervolume(points, 4.0) == 10 + 60 + 30


def test_budgets_and_grid_come_from_the_search_spec() -> None:
    run = study()
    spec = run.study_spec(smoke=False)
    assert run.budgets(spec) == (4.0, 1.0)
    grid = run.grid_spec(spec)["designs"][0]["generate"]
    assert grid["pe_budget"] == list(range(256, 4097, 256)) and grid["split"] == spec["search"]["space"][
        "generate"]["split"]


def test_the_study_runs_in_one_command(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(STUDY / "run.py"), "--out", str(tmp_path), "--smoke"],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "results.md").read_text()
    coverage = re.search(r"The search used (\d+) runs, [\d.]+% of the grid's, and its front covers "
                         r"([\d.]+)% of the hypervolume", text)
    assert coverage and int(coverage.group(1)) > 0 and 0 < float(coverage.group(2)) <= 100
    assert "XRBench's 26 designs at the study's node" in text
    assert (tmp_path / "dse.png").stat().st_size > 10_000
