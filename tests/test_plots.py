"""Every plot kind, from a small results folder or small traces: the file is written, has
the panels it should, embeds TrueType fonts only (no Type 3), and is the same bytes twice."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from xrsim.cli import main
from xrsim.plots import KINDS
from xrsim.plots.data import load_results, load_trace
from xrsim.plots.pareto import pareto_front
from xrsim.sweep import run_sweep
from xrsim.sweep.executors import SerialExecutor

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A sweep with two designs, two probabilities of VR gaming's cascade, two seeds and
    two policies: enough for every results-based kind."""
    out = tmp_path_factory.mktemp("plots") / "results"
    run_sweep({"designs": ["xrbench-4k-A", "xrbench-4k-J"], "scenarios": ["vr_gaming_50p", "vr_gaming"],
               "seeds": 2, "zip": ["mode", "scheduler"], "mode": ["xrbench", "default"],
               "scheduler": [None, "edf"], "costs": "table"}, out=out, executor=SerialExecutor())
    return out


@pytest.fixture(scope="module")
def traces(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("traces")
    paths = []
    for scheduler in ("xrbench", "edf"):
        path = folder / f"{scheduler}.jsonl"
        assert main(["run", "--hardware", "xrbench-8k-J", "--scenario", "ar_gaming", "--costs", "calibrated",
                     "--scheduler", scheduler, "--duration-s", "0.3", "--trace-jsonl", str(path)]) == 0
        paths.append(path)
    return paths


def no_type3(pdf: bytes) -> bool:
    return b"/Type3" not in pdf and b"/FontFile2" in pdf  # embedded TrueType (Type 42) fonts


# kind -> (axes with data, a title or label it must show)
EXPECTED = {
    "scores": (4, "XRBench score"),
    "timeline": (2, "edf"),  # two runs that read alike are told apart by file name
    "cascade": (4, "cascade probability (%)"),
    "pareto": (1, "PEs (total)"),
    "latency_cdf": (3, "HT_hand_graph_cnn_half"),
    "schedulers": (1, "costs table"),
}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_draws(kind: str, results: Path, traces: list[Path], tmp_path: Path,
                          capsys: pytest.CaptureFixture[str]) -> None:
    sources = [str(results)] if KINDS[kind].source == "results" else [str(p) for p in traces]
    pdf, png = tmp_path / f"{kind}.pdf", tmp_path / f"{kind}.png"
    assert main(["plot", kind, *sources, "--out", str(pdf)]) == 0
    assert main(["plot", kind, *sources, "--out", str(png)]) == 0
    assert capsys.readouterr().out.splitlines() == [f"{kind} figure written to {pdf}",
                                                    f"{kind} figure written to {png}"]
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and no_type3(data)
    assert b"CreationDate" not in data  # no timestamp: the same data, the same bytes
    assert png.read_bytes().startswith(b"\x89PNG")
    again = tmp_path / f"again.{kind}.pdf"
    assert main(["plot", kind, *sources, "--out", str(again)]) == 0
    assert again.read_bytes() == data
    loaded = load_results(results) if KINDS[kind].source == "results" else [load_trace(p) for p in traces]
    fig = KINDS[kind].draw(loaded)
    axes = [ax for ax in fig.axes if ax.get_visible() and (ax.lines or ax.patches or ax.collections)]
    panels, text = EXPECTED[kind]
    assert len(axes) == panels
    shown = [t for ax in fig.axes for t in (ax.get_title(loc="left"), ax.get_title(), ax.get_xlabel(),
                                            ax.get_ylabel())]
    assert text in shown


def test_plot_sources_are_checked(tmp_path: Path, traces: list[Path], capsys: pytest.CaptureFixture[str]
                                  ) -> None:
    assert main(["plot", "scores", str(tmp_path), "--out", str(tmp_path / "f.pdf")]) == 2
    assert "not a sweep's results folder" in capsys.readouterr().err
    assert main(["plot", "timeline", str(tmp_path / "x.jsonl"), "--out", str(tmp_path / "f.pdf")]) == 2
    assert "x.jsonl: not a JSON lines trace" in capsys.readouterr().err
    assert main(["plot", "timeline", str(traces[0]), "--out", str(tmp_path / "f.svg")]) == 2
    assert "f.svg: --out: a figure is written as .pdf or .png" in capsys.readouterr().err


def test_pareto_front_by_hand() -> None:
    # (label, PEs, score): b beats a (more PEs, more score), c is dominated by b (same PEs,
    # lower score), d by b (more PEs, no more score), e tops the front
    points = [("a", 256, 10.0), ("b", 512, 40.0), ("c", 512, 30.0), ("d", 1024, 40.0), ("e", 2048, 90.0)]
    assert [p[0] for p in pareto_front(points)] == ["a", "b", "e"]


def test_a_front_of_many_long_names_still_lays_out(tmp_path: Path) -> None:
    # labels wider than the figure used to collapse the constrained layout (a warning, an
    # error in this suite) and leave the axes at nothing
    from xrsim.plots.pareto import pareto

    rows = [{"design": f"g{256 * i}-quad-WS+WS+OS+RS-dram64-peb16-gb2048-variant-{i}", "total_pes": 256 * i,
             "score": 10.0 + 2 * i} for i in range(1, 41)]
    figure = pareto(rows, "search")
    figure.savefig(tmp_path / "p.png")
    axes = figure.axes[0].get_position()
    assert axes.width > 0.5 and axes.height > 0.5  # of the figure


@pytest.mark.parametrize("name", ["xrbench_fig5", "xrbench_fig6", "xrbench_fig7", "pareto", "latency_cdf",
                                  "schedulers", "validation"])
def test_each_experiment_makes_its_figure_in_one_command(name: str, tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, f"experiments/{name}/run.py", "--out", str(tmp_path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    written = re.findall(r"(\S+)\.pdf and \.png written", done.stdout)
    assert written
    for stem in written:
        assert no_type3(Path(f"{stem}.pdf").read_bytes()) and Path(f"{stem}.png").stat().st_size > 10_000
    assert (tmp_path / "runs.csv").is_file()


def test_a_sweep_that_does_not_fit_a_kind_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                                     ) -> None:
    out = tmp_path / "r"
    run_sweep({"designs": ["xrbench-4k-A"], "scenarios": ["vr_gaming", "ar_gaming"], "mode": "xrbench"},
              out=out, executor=SerialExecutor())
    assert main(["plot", "cascade", str(out), "--out", str(tmp_path / "c.pdf")]) == 2
    assert "a cascade figure needs scenarios with cascades; ar_gaming has none" in capsys.readouterr().err
    mixed = tmp_path / "mixed"  # two cascades of different probability, but different scenarios
    run_sweep({"designs": ["xrbench-4k-A"], "scenarios": ["vr_gaming", "ar_assistant"], "mode": "xrbench"},
              out=mixed, executor=SerialExecutor())
    assert main(["plot", "cascade", str(mixed), "--out", str(tmp_path / "c.pdf")]) == 2
    assert "variants of one scenario that differ only in cascade probability" in capsys.readouterr().err
    assert main(["plot", "schedulers", str(out), "--out", str(tmp_path / "s.pdf")]) == 2
    assert "this sweep ran one (reference runtime)" in capsys.readouterr().err


def test_drops_at_one_deadline_stay_visible(tmp_path: Path) -> None:
    """On design B, eye segmentation and gaze estimation drop frames at the same deadlines:
    each model's drops get their own row of the drop lane."""
    from xrsim.plots.timeline import timeline

    path = tmp_path / "b.jsonl"
    assert main(["run", "--mode", "xrbench", "--hardware", "xrbench-4k-B", "--trace-jsonl", str(path)]) == 0
    trace = load_trace(path)
    drops = [r for r in trace.records if r["dropped"]]
    fig = timeline([trace])
    marks = {(round(x, 6), round(y, 6)) for line in fig.axes[0].lines if line.get_marker() == "x"
             for x, y in zip(line.get_xdata(), line.get_ydata(), strict=True)}
    assert len(marks) == len(drops) > 40  # 7 ES drops under 40 GE drops, none hidden


def test_a_timeline_window_draws_that_stretch_only(traces: list[Path], tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    from xrsim.plots.timeline import timeline

    trace = load_trace(traces[0])
    whole, part = timeline([trace]), timeline([trace], window_ms=(100.0, 150.0))
    assert 0 < len(part.axes[0].patches) < len(whole.axes[0].patches)
    assert part.axes[0].get_xlim() == (100.0, 150.0)
    argv = ["plot", "timeline", str(traces[0]), "--out", str(tmp_path / "w.png"), "--window"]
    assert main([*argv, "100:150"]) == 0
    assert main([*argv, "150:100"]) == 2
    assert "--window: expected START_MS:END_MS" in capsys.readouterr().err
