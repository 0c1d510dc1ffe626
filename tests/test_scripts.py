"""The benchmark and the experiment scripts still run (smoke sizes; nothing is timed)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(*argv: str) -> str:
    done = subprocess.run([sys.executable, *argv], cwd=ROOT, capture_output=True, text=True, check=True)
    return done.stdout


def test_engine_benchmark_smoke() -> None:
    out = _run("benchmarks/bench_engine.py", "--smoke")
    assert "model" in out and "block:4" in out


def test_scheduler_comparison_writes_its_table(tmp_path: Path) -> None:
    out = tmp_path / "results.md"
    _run("experiments/scheduler_comparison/run.py", "--costs", "table", "--duration-s", "0.1",
         "--out", str(out))
    rows = [line for line in out.read_text().splitlines() if line.startswith("| ar_")]
    assert len(rows) == 2 * 2 * 5
    assert sum("n/a" in row for row in rows) == 4  # the block rows need per-layer costs
