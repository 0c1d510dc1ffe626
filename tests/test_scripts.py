"""The engine benchmark still runs (smoke size; nothing is timed); the experiments are
run by tests/test_plots.py."""

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
