"""The benchmark and the experiment scripts still run (smoke sizes; nothing is timed)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _run(*argv: str) -> str:
    done = subprocess.run([sys.executable, *argv], cwd=ROOT, capture_output=True, text=True, check=True)
    return done.stdout


def test_engine_benchmark_smoke() -> None:
    out = _run("benchmarks/bench_engine.py", "--smoke")
    assert "model" in out and "block:4" in out


def test_scheduler_comparison_writes_its_table(tmp_path: Path) -> None:
    """Its sweep spec, shortened and on table costs, then its table script."""
    spec = yaml.safe_load((ROOT / "experiments/scheduler_comparison/sweep.yaml").read_text())
    spec.update(costs="table", duration_s=0.1)
    (tmp_path / "sweep.yaml").write_text(yaml.safe_dump(spec))
    done = subprocess.run([sys.executable, "-m", "xrsim.sweep", str(tmp_path / "sweep.yaml"), "--out",
                           str(tmp_path / "results"), "--executor", "serial", "--quiet"], cwd=ROOT)
    assert done.returncode == 1  # the block rows fail: the table backend has no per-layer costs
    _run("experiments/scheduler_comparison/table.py", str(tmp_path / "results"), "--out-dir", str(tmp_path))
    rows = [line for line in (tmp_path / "results_table.md").read_text().splitlines()
            if line.startswith("| ar_")]
    assert len(rows) == 2 * 2 * 5
    assert sum("n/a" in row for row in rows) == 4
    assert all("n/a" in row for row in rows if "4-layer blocks" in row)


def test_figure5_plot_draws_from_a_sweep(tmp_path: Path) -> None:
    spec = yaml.safe_load((ROOT / "experiments/figure5/sweep.yaml").read_text())
    spec.update(designs=["xrbench-4k-[AB]", "xrbench-8k-A"], seeds=1)
    (tmp_path / "sweep.yaml").write_text(yaml.safe_dump(spec))
    subprocess.run([sys.executable, "-m", "xrsim.sweep", str(tmp_path / "sweep.yaml"), "--out",
                    str(tmp_path / "results"), "--executor", "serial", "--quiet"], cwd=ROOT, check=True)
    _run("experiments/figure5/plot.py", str(tmp_path / "results"), "--out-dir", str(tmp_path))
    assert (tmp_path / "figure5_4k.png").stat().st_size > 10_000
    assert (tmp_path / "figure5_8k.png").stat().st_size > 10_000
