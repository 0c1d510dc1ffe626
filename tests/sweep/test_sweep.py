"""python -m xrsim.sweep: specs, executors, resumption, failures and the rows' commands."""

from __future__ import annotations

import json
import math
import os
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.sweep.processes import children
from xrsim import SpecError, simulate
from xrsim.sweep import load_sweep, run_sweep
from xrsim.sweep.cli import main
from xrsim.sweep.executors import SerialExecutor, open_executor
from xrsim.sweep.store import ResultsLog

ROOT = Path(__file__).resolve().parents[2]
SMALL = """\
name: small
designs: [xrbench-4k-A, "xrbench-8k-[JM]"]
scenarios: [vr_gaming, ar_gaming]
seeds: 2
scheduler: [edf, llf]
duration_s: 0.3
set:
  dram.bandwidth_gb_per_s: [32, 128]
"""
METRICS = ("score", "rt", "en", "qoe", "miss_rate", "drop_rate", "latency_p99_s", "energy_per_frame_j",
           "utilisation")


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def metrics_by_key(rows: list[dict]) -> dict[str, tuple]:
    return {r["key"]: tuple(json.dumps(r.get(m), sort_keys=True) for m in METRICS) for r in rows}


def log_rows(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]


# -- the plan ------------------------------------------------------------------------------

def test_grid_counts_globs_and_labels(tmp_path: Path) -> None:
    sweep, _ = load_sweep(write(tmp_path / "s.yaml", SMALL), tmp_path / "out")
    assert [d.label for d in sweep.designs] == ["xrbench-4k-A", "xrbench-8k-J", "xrbench-8k-M"]
    # 3 designs x 2 scenarios x 2 seeds x 2 schedulers x 2 bandwidths
    assert len(sweep.runs) == 48
    assert len({r.point.key for r in sweep.runs}) == 48
    assert sweep.axes == ["duration_s", "scheduler", "set.dram.bandwidth_gb_per_s"]  # options' order
    first = sweep.runs[0]
    assert first.labels == {"design": "xrbench-4k-A", "scenario": "vr_gaming", "seed": 0, "mode": "default",
                            "costs": "analytical", "scheduler": "edf", "duration_s": 0.3,
                            "set.dram.bandwidth_gb_per_s": 32}
    assert first.command == ("python -m xrsim run --hardware xrbench-4k-A --scenario vr_gaming "
                             "--mode default --costs analytical --seed 0 --duration-s 0.3 --scheduler edf "
                             "--set dram.bandwidth_gb_per_s=32")


def test_zip_pairs_the_lists(tmp_path: Path) -> None:
    spec = write(tmp_path / "z.yaml", """\
designs: [xrbench-4k-A]
scenarios: [vr_gaming]
combine: zip
mode: [xrbench, default, default]
costs: [table, table, analytical]
duration_s: 0.5
""")
    sweep, _ = load_sweep(spec, tmp_path / "out")
    assert [(r.labels["mode"], r.labels["costs"]) for r in sweep.runs] == [
        ("xrbench", "table"), ("default", "table"), ("default", "analytical")]


def test_keys_follow_inputs_not_labels(tmp_path: Path) -> None:
    """A key changes when anything that shapes the run changes, and only then."""
    base = "designs: [xrbench-4k-A]\nscenarios: [vr_gaming]\n"
    key = lambda text: load_sweep(write(tmp_path / "k.yaml", base + text), tmp_path)[0].runs[0].point.key  # noqa: E731
    plain = key("")
    assert key("name: renamed\n") == plain
    assert key("mode: default\n") == plain  # the default, said aloud
    assert key("seeds: [1]\n") != plain
    assert key("scheduler: llf\n") != plain
    assert key("set: {sub_accelerators.acc0.clock_ghz: 0.5}\n") != plain


# -- bad specs: one line naming the file and the field, exit 2 --------------------------------

BAD_SPECS = [
    ("schedulr: edf\n", "schedulr: unknown field"),
    ("designs: [xrbench-4k-A]\nscenarios: [vr_gaming]\n", None),  # the good one the others break
    ("designs: [xrbench-9k-*]\n", "designs[0]: the pattern 'xrbench-9k-*' matches no built-in hardware"),
    ("designs: [nope]\n", "designs[0]: unknown hardware 'nope'"),
    ("designs: [{generat: {}}]\n", "designs[0]: a mapping entry takes one key, generate"),
    ("scenarios: [missing.yaml]\n", "scenarios[0]: no such scenario file"),
    ("mode: xrbench\nscheduler: edf\n", "scheduler: applies to mode 'default' only"),
    ("mode: [xrbench, default]\ngranularity: block:2\n", "granularity: applies to mode 'default' only"),
    ("scheduler: [edf, nope]\n", "scheduler: unknown scheduler 'nope'"),
    ("costs: magic\n", "costs: unknown cost backend 'magic'"),
    ("duration_s: -1\n", "duration_s: Input should be greater than 0"),
    ("warmup_s: 1.0\n", "warmup_s: scenario 'vr_gaming': must be less than the simulated time"),
    ("set: {dram.bandwith_gb_per_s: 3}\n", "set.dram.bandwith_gb_per_s: names no field"),
    ("set: {sub_accelerators.acc7.clock_ghz: 1}\n", "set.sub_accelerators.acc7.clock_ghz: names no item"),
    ("combine: zip\nscheduler: [edf, llf]\nset: {dram.bandwidth_gb_per_s: [1, 2, 3]}\n",
     "combine: zip needs every list to have one length"),
    ("combine: cartesian\n", "combine: Input should be 'grid' or 'zip'"),
    ("seeds: 0\n", "seeds: a count must be from 1 to 1,000,000, got 0"),
    ("seeds: 1000000000000\n", "seeds: a count must be from 1 to 1,000,000"),  # no MemoryError
    ("seeds: [1, 1]\n", "seeds: a list must hold distinct seeds"),
    ("seeds: [99999999999999999999999]\n", "seeds: a list must hold distinct seeds from 0 to "
                                          "9223372036854775807"),  # what run --seed takes
    ("scheduler: []\n", "scheduler: an empty list gives no runs"),
    ("set: {dram.bandwidth_gb_per_s: []}\n", "set.dram.bandwidth_gb_per_s: an empty list gives no runs"),
    ("name: ../../etc\n", "name: String should match pattern"),
    ("seeds: 5000\nscheduler: [edf, llf, fcfs]\nset: {dram.bandwidth_gb_per_s: [1, 2, 3, 4, 5, 6, 7]}\n"
     "granularity: [model, block:1, block:2, block:3, block:4, block:5, block:6, block:7, block:8, "
     "block:9, block:10]\nwarmup_s: [0.0, 0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09]\n",
     "11,550,000 runs is more than a sweep takes (1,000,000)"),
    ("seed: 3\n", "seed: give seeds under 'seeds'"),
    ("seeds: [a]\n", "seeds"),
    ("designs: [xrbench-4k-A\n", "malformed YAML"),
]


@pytest.mark.parametrize(("extra", "needle"), BAD_SPECS)
def test_bad_spec(tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: str, needle: str | None) -> None:
    # Later keys replace the good spec's: YAML refuses duplicate keys, so merge by hand.
    good = {"designs": "[xrbench-4k-A]", "scenarios": "[vr_gaming]"}
    lines = [line for line in extra.splitlines() if line]
    for key in good:
        if any(line.startswith(f"{key}:") for line in lines):
            good[key] = ""
    text = "".join(f"{k}: {v}\n" for k, v in good.items() if v) + extra
    spec = write(tmp_path / "bad.yaml", text)
    status = main([str(spec), "--dry-run"])
    err = capsys.readouterr().err
    if needle is None:
        assert status == 0 and err == ""
        return
    assert status == 2, err
    assert err.count("\n") == 1 and str(spec) in err and needle in err, err


def test_bad_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = write(tmp_path / "s.yaml", "designs: [xrbench-4k-A]\nscenarios: [vr_gaming]\n")
    assert main([str(spec), "--workers", "0", "--out", str(tmp_path / "o")]) == 2
    assert "--workers: must be >= 1" in capsys.readouterr().err
    assert main([str(spec), "--dask-address", "127.0.0.1:1", "--out", str(tmp_path / "o")]) == 2
    assert "--dask-address: applies to --executor dask only" in capsys.readouterr().err
    assert main([str(tmp_path / "none.yaml")]) == 2
    assert "none.yaml: cannot read file" in capsys.readouterr().err


# -- executors ----------------------------------------------------------------------------------

def test_serial_process_and_dask_agree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same sweep on every executor gives the same metrics for every key: in this
    process, in forked and in spawned workers (which load every spec themselves), on Dask."""
    spec = write(tmp_path / "s.yaml", SMALL)
    serial = run_sweep(spec, out=tmp_path / "serial", executor=SerialExecutor())
    forked = run_sweep(spec, out=tmp_path / "forked", workers=2)
    monkeypatch.setenv("XRSIM_START_METHOD", "spawn")
    spawned = run_sweep(spec, out=tmp_path / "spawned", workers=2)
    with open_executor("dask", workers=2) as (executor, _):
        dask = run_sweep(spec, out=tmp_path / "dask", executor=executor)
    assert len(serial) == 48 and all(r["status"] == "ok" for r in serial)
    assert metrics_by_key(serial) == metrics_by_key(forked) == metrics_by_key(spawned) == metrics_by_key(dask)


def test_rows_are_the_runs_of_simulate(tmp_path: Path) -> None:
    """A row holds what simulate itself gives for that run (the sweep adds no arithmetic)."""
    rows = run_sweep(write(tmp_path / "s.yaml", SMALL), out=tmp_path / "o", executor=SerialExecutor())
    row = next(r for r in rows if r["design"] == "xrbench-8k-J" and r["scenario"] == "ar_gaming"
               and r["seed"] == 1 and r["scheduler"] == "llf" and r["set.dram.bandwidth_gb_per_s"] == 32)
    from xrsim.hardware import load_hardware
    from xrsim.hardware.overrides import apply_overrides

    system = apply_overrides(load_hardware("xrbench-8k-J"), {"dram.bandwidth_gb_per_s": 32})
    alone = simulate(system, "ar_gaming", seed=1, scheduler="llf", duration_s=0.3)
    assert row["score"] == alone.score.score
    assert row["miss_rate"] == alone.stats.run.miss_rate
    assert row["utilisation"] == alone.stats.utilisation
    # the physical figures of run --json, in every row
    out = alone.to_dict()
    for key in ("area_mm2", "power_avg_w", "power_peak_w", "energy_per_frame_j"):
        assert row[key] == out[key]
    assert row["dynamic_energy_per_frame_j"] == alone.stats.run.energy_per_frame_j
    assert row["static_energy_j"] == alone.power.static_j > 0
    assert all(r["area_mm2"] > 0 and r["power_avg_w"] > 0 and r["power_peak_w"] > 0
               and r["energy_per_frame_j"] > 0 for r in rows)


# -- results are never lost ----------------------------------------------------------------------

def test_resume_skips_what_is_done(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = write(tmp_path / "s.yaml", SMALL)
    out = tmp_path / "o"
    assert main([str(spec), "--out", str(out), "--executor", "serial", "--quiet"]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("48 runs: 48 done, 0 skipped, 0 failed in ")
    assert main([str(spec), "--out", str(out), "--executor", "serial", "--quiet"]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("48 runs: 0 done, 48 skipped, 0 failed in ")
    assert len(log_rows(out)) == 48
    csv_lines = (out / "runs.csv").read_text().splitlines()
    assert len(csv_lines) == 49
    assert csv_lines[0].startswith("key,status,design,scenario,seed,mode,costs,duration_s,scheduler,"
                                   "set.dram.bandwidth_gb_per_s,score,rt,en,qoe,")
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["resolved"]["runs"] == 48 and len(manifest["sessions"]) == 2
    assert manifest["sessions"][1]["skipped"] == 48 and manifest["packages"]["simpy"]


def test_torn_last_line_is_cut_and_rerun(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = write(tmp_path / "s.yaml", SMALL)
    out = tmp_path / "o"
    assert main([str(spec), "--out", str(out), "--executor", "serial", "--quiet"]) == 0
    whole = log_rows(out)
    text = (out / "results.jsonl").read_text()
    lines = text.splitlines(keepends=True)
    # The last run's line was half written when the process died.
    (out / "results.jsonl").write_text("".join(lines[:-1]) + lines[-1][:40])
    capsys.readouterr()
    assert main([str(spec), "--out", str(out), "--executor", "serial", "--quiet"]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("48 runs: 1 done, 47 skipped, 0 failed")
    again = log_rows(out)
    assert len(again) == 48 and metrics_by_key(again) == metrics_by_key(whole)


def test_sigkill_mid_sweep_then_resume(tmp_path: Path) -> None:
    """A real SIGKILL of the sweep process part-way: the rerun finishes it, every run is in
    the log exactly once, and the results equal an uninterrupted sweep's."""
    spec = write(tmp_path / "s.yaml", """\
designs: ["xrbench-8k-*"]
scenarios: [ar_gaming, vr_gaming]
scheduler: [edf, llf]
duration_s: 10.0
""")
    out = tmp_path / "killed"
    argv = [sys.executable, "-m", "xrsim.sweep", str(spec), "--out", str(out), "--executor", "serial",
            "--quiet"]
    proc = subprocess.Popen(argv, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    log = out / "results.jsonl"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (not log.exists() or log.read_text().count("\n") < 5):
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = log.read_text().count("\n")
    assert 5 <= partial < 52, partial  # 13 designs x 2 scenarios x 2 schedulers
    resumed = subprocess.run(argv, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    rows = log_rows(out)
    assert len(rows) == 52 and len({r["key"] for r in rows}) == 52
    assert all(r["status"] == "ok" for r in rows)
    whole = run_sweep(spec, out=tmp_path / "whole", executor=SerialExecutor())
    assert metrics_by_key(rows) == metrics_by_key(whole)


def test_broken_design_is_recorded_and_others_finish(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                                     ) -> None:
    broken = write(tmp_path / "designs" / "broken.yaml", """\
name: broken
dram: {bandwidth_gb_per_s: 64}
sub_accelerators:
  - {name: a, dataflow: WS, num_pes: -4, global_buffer_kib: 64, noc_words_per_cycle: 8}
""")
    spec = write(tmp_path / "s.yaml", "designs: [xrbench-4k-A, designs/broken.yaml, xrbench-4k-B]\n"
                                      "scenarios: [vr_gaming]\nseeds: 2\nmode: xrbench\n")
    out = tmp_path / "o"
    assert main([str(spec), "--out", str(out), "--quiet"]) == 1
    captured = capsys.readouterr()
    assert captured.out.splitlines()[-1].startswith("6 runs: 6 done, 0 skipped, 2 failed")
    assert captured.err.startswith("xrsim.sweep: 2 run(s) failed (summary.md lists them); the first: ")
    rows = log_rows(out)
    failed = [r for r in rows if r["status"] == "failed"]
    assert [r["design"] for r in failed] == ["broken", "broken"]
    assert all(str(broken) in r["error"] and "sub_accelerators[0].num_pes" in r["error"] for r in failed)
    assert "score" not in failed[0]
    good = {r["design"]: r["score"] for r in rows if r["status"] == "ok"}
    assert round(good["xrbench-4k-A"], 3) == 86.466 and round(good["xrbench-4k-B"], 3) == 31.354  # published
    assert "## Failed runs" in (out / "summary.md").read_text()


def test_failing_run_is_recorded_with_its_message(tmp_path: Path) -> None:
    """An override valid for one design and not another fails that design's runs only."""
    spec = write(tmp_path / "s.yaml", "designs: [xrbench-4k-A, xrbench-4k-J]\nscenarios: [vr_gaming]\n"
                                      "set: {sub_accelerators.1.num_pes: 1000}\n")
    with pytest.raises(Exception, match="names no item"):
        load_sweep(spec, tmp_path / "o")  # 4k-A has one sub-accelerator: no index 1
    spec.write_text("designs: [xrbench-4k-A, xrbench-4k-J]\nscenarios: [vr_gaming]\n"
                    "set: {sub_accelerators.0.array: [[64, 64]]}\n")  # a list of one value
    rows = run_sweep(spec, out=tmp_path / "o", executor=SerialExecutor())
    status = {r["design"]: (r["status"], r.get("error")) for r in rows}
    assert status["xrbench-4k-A"] == ("ok", None)
    assert status["xrbench-4k-J"][0] == "failed"
    assert "set.sub_accelerators.0.array: gives an invalid design" in status["xrbench-4k-J"][1]
    assert "does not hold num_pes = 2048" in status["xrbench-4k-J"][1]


# -- every row can be re-run alone ----------------------------------------------------------------

def test_command_of_a_row_repeats_its_score(tmp_path: Path) -> None:
    spec = write(tmp_path / "s.yaml", """\
designs: [xrbench-8k-J]
scenarios: [ar_gaming]
seeds: [3]
granularity: block:4
preemptive: true
shared_dram: [false]
drop_policy: never
duration_s: 0.25
set:
  dram.bandwidth_gb_per_s: 16
  sub_accelerators.acc1.clock_ghz: 0.8
""")
    rows = run_sweep(spec, out=tmp_path / "o", executor=SerialExecutor())
    (row,) = rows
    assert "--preemptive" in row["command"] and "--no-shared-dram" in row["command"]
    argv = shlex.split(row["command"])
    assert argv[:3] == ["python", "-m", "xrsim"]
    done = subprocess.run([sys.executable, *argv[1:], "--json"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["score"] == row["score"]


def test_figure5_sweep_reproduces_the_figure5_summary(tmp_path: Path) -> None:
    """The sweep spec of experiments/xrbench_fig5 gives the table that the hand-written loop
    of that experiment wrote before the sweep existed (its summary.md), cell for cell."""
    rows = run_sweep(ROOT / "experiments" / "xrbench_fig5" / "sweep.yaml", out=tmp_path / "f5", workers=2)
    assert len(rows) == 26 * 7 * 20 and all(r["status"] == "ok" for r in rows)
    expected = {}
    for line in (ROOT / "experiments" / "xrbench_fig5" / "summary.md").read_text().splitlines()[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        expected[cells[0]] = cells[1:]
    got = {}
    for line in (tmp_path / "f5" / "summary.md").read_text().split("## Mean score")[1].splitlines()[4:]:
        if line.startswith("| xrbench-"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            got[cells[0]] = cells[1:]
    assert len(expected) == 26 and got == expected


def test_run_takes_set_overrides(capsys: pytest.CaptureFixture[str]) -> None:
    from xrsim.cli import main as xrsim_main

    base = ["run", "--hardware", "xrbench-8k-J", "--scenario", "ar_gaming", "--duration-s", "0.2", "--json"]
    assert xrsim_main(base) == 0
    plain = json.loads(capsys.readouterr().out)["score"]
    assert xrsim_main([*base, "--set", "sub_accelerators.*.clock_ghz=0.05"]) == 0
    slow = json.loads(capsys.readouterr().out)["score"]
    assert slow < plain  # a twentieth of the clock misses deadlines that the full clock meets
    assert xrsim_main([*base, "--set", "sub_accelerators.acc5.clock_ghz=1"]) == 2
    assert "set.sub_accelerators.acc5.clock_ghz: names no item" in capsys.readouterr().err
    assert xrsim_main([*base, "--set", "dram.bandwidth_gb_per_s"]) == 2
    assert "--set: expected PATH=VALUE" in capsys.readouterr().err


def test_progress_callback_and_log_reader(tmp_path: Path) -> None:
    spec = write(tmp_path / "s.yaml", "designs: [xrbench-4k-A]\nscenarios: [vr_gaming, ar_gaming]\n")
    rows = run_sweep(spec, out=tmp_path / "o", executor=SerialExecutor())
    latest = ResultsLog(tmp_path / "o" / "results.jsonl").latest()
    assert set(latest) == {r["key"] for r in rows}


def test_a_worker_computes_each_cost_once() -> None:
    """Runs of one design share its costs: a (model, sub-accelerator) pair is computed once
    per worker, however many runs need it."""
    from xrsim.sweep import worker

    spec = {"designs": ["xrbench-8k-M"], "scenarios": ["vr_gaming"], "seeds": 5, "duration_s": 0.1}
    sweep, _ = load_sweep(spec, Path("unused"))
    worker._COSTS = worker.CostMemo()
    rows = worker.run_chunk([r.point for r in sweep.runs])
    assert [r["status"] for r in rows] == ["ok"] * 5
    assert len(worker._COSTS) == 3 * 4  # vr_gaming's 3 models on 8k-M's 4 sub-accelerators


@given(st.lists(st.integers(1, 4), min_size=1, max_size=4), st.sampled_from(["grid", "zip"]))
@settings(max_examples=30, deadline=None)
def test_axes_combine_as_documented(lengths: list[int], combine: str) -> None:
    """Grid: the product of the lengths; zip: the one length of the lists (singles repeat)."""
    from xrsim.sweep.plan import _combinations
    from xrsim.sweep.spec import spec_from_mapping

    axes = {f"a{i}": list(range(n)) for i, n in enumerate(lengths)}
    spec = spec_from_mapping({"designs": ["x"], "scenarios": ["y"], "combine": combine})
    long = {n for n in lengths if n > 1}
    if combine == "zip" and len(long) > 1:
        with pytest.raises(SpecError, match="zip needs every list to have one length"):
            _combinations(axes, spec, None)
        return
    combos = _combinations(axes, spec, None)
    expected = math.prod(lengths) if combine == "grid" else max(lengths)
    assert len(combos) == expected
    assert len({tuple(c.values()) for c in combos}) == expected  # no combination twice
    assert all(list(c) == list(axes) for c in combos)


def test_generated_designs_are_written_and_rerun_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                       ) -> None:
    monkeypatch.chdir(tmp_path)
    spec = write(tmp_path / "g.yaml", """\
designs:
  - generate:
      pe_budget: 2048
      split: [single, dual]
      dataflows: all
      global_buffer_kib: 1024
      noc_words_per_cycle: 64
      dram_gb_per_s: [32, 128]
scenarios: [vr_gaming]
duration_s: 0.2
""")
    sweep, out = load_sweep(spec, None)
    assert out == Path("out/g") and len(sweep.generated) == (3 + 6) * 2
    rows = run_sweep(spec, executor=SerialExecutor())
    assert len(rows) == 18 and all(r["status"] == "ok" for r in rows)
    from xrsim.hardware import load_hardware

    for system in sweep.generated:
        assert load_hardware(tmp_path / "out" / "g" / "designs" / f"{system.name}.yaml") == system
    row = next(r for r in rows if r["design"] == "g2048-dual-OS+RS-dram32")
    assert "--hardware out/g/designs/g2048-dual-OS+RS-dram32.yaml" in row["command"]
    argv = shlex.split(row["command"])
    done = subprocess.run([sys.executable, *argv[1:], "--json"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["score"] == row["score"]


def test_an_override_that_breaks_a_design_keeps_its_runs_apart(tmp_path: Path) -> None:
    """Each value of another axis is its own run, even on a design the override broke."""
    spec = write(tmp_path / "s.yaml", "designs: [xrbench-4k-A, xrbench-8k-A]\nscenarios: [vr_gaming]\n"
                                      "mode: xrbench\ncosts: analytical\n"
                                      "set:\n  sub_accelerators.0.array: [[64, 64]]\n"
                                      "  dram.bandwidth_gb_per_s: [16, 64]\n")
    rows = run_sweep(spec, out=tmp_path / "o", executor=SerialExecutor())
    assert len({r["key"] for r in rows}) == 4
    assert sorted((r["design"], r["set.dram.bandwidth_gb_per_s"], r["status"]) for r in rows) == [
        ("xrbench-4k-A", 16, "ok"), ("xrbench-4k-A", 64, "ok"),
        ("xrbench-8k-A", 16, "failed"), ("xrbench-8k-A", 64, "failed")]


def test_one_sweep_at_a_time_per_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Two sweeps on one --out would run every run twice: the second is refused."""
    from xrsim.sweep.store import folder_lock

    spec = write(tmp_path / "s.yaml", "designs: [xrbench-4k-A]\nscenarios: [vr_gaming]\n")
    out = tmp_path / "o"
    out.mkdir()
    with folder_lock(out):
        assert main([str(spec), "--out", str(out), "--executor", "serial"]) == 2
    assert "--out: another sweep is writing to this folder" in capsys.readouterr().err
    assert main([str(spec), "--out", str(out), "--executor", "serial", "--quiet"]) == 0  # released
    (tmp_path / "file").write_text("x")
    assert main([str(spec), "--out", str(tmp_path / "file"), "--executor", "serial"]) == 2
    assert "file: --out: is a file; the results go in a folder" in capsys.readouterr().err
    assert main([str(spec), "--out", "", "--executor", "serial"]) == 2
    assert "--out: needs a folder name, got an empty one" in capsys.readouterr().err


class BreakingExecutor(SerialExecutor):
    """Runs two chunks, then behaves as a process pool whose worker died."""

    def __init__(self) -> None:
        self.calls = 0

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def]
        from concurrent.futures import Future
        from concurrent.futures.process import BrokenProcessPool

        self.calls += 1
        if self.calls <= 2:
            return super().submit(fn, *args, **kwargs)
        if self.calls == 3:
            future: Future = Future()
            future.set_exception(BrokenProcessPool("a child process terminated abruptly"))
            return future
        raise BrokenProcessPool("a child process terminated abruptly")


def test_a_dead_worker_fails_its_chunk_and_the_rest_wait(tmp_path: Path) -> None:
    from xrsim.sweep.runner import execute

    spec = write(tmp_path / "s.yaml", "designs: ['xrbench-4k-*']\nscenarios: [vr_gaming]\nmode: xrbench\n")
    sweep, out = load_sweep(spec, tmp_path / "o")
    outcome = execute(sweep, out, BreakingExecutor(), workers=1)
    assert outcome.broken == "BrokenProcessPool: a child process terminated abruptly"
    rows = {r["design"]: r for r in log_rows(out)}  # chunks finish in any order
    assert len(rows) == 3  # two chunks ran, the third died, ten never started
    first = ("xrbench-4k-A", "xrbench-4k-B", "xrbench-4k-C")
    assert [rows[d]["status"] for d in first] == ["ok", "ok", "failed"]
    assert rows["xrbench-4k-C"]["error"] == ("worker failed: BrokenProcessPool: a child process terminated "
                                             "abruptly")
    rows = run_sweep(spec, out=out, executor="serial")  # the next invocation finishes the rest
    assert len(rows) == 13 and all(r["status"] == "ok" for r in rows)


def test_workers_end_with_a_killed_sweep(tmp_path: Path) -> None:
    """SIGKILL of the sweep process leaves no orphaned pool worker behind."""
    spec = write(tmp_path / "s.yaml", "designs: ['xrbench-8k-*']\nscenarios: [ar_gaming, vr_gaming]\n"
                                      "scheduler: [edf, llf]\nduration_s: 10.0\n")
    proc = subprocess.Popen([sys.executable, "-m", "xrsim.sweep", str(spec), "--out", str(tmp_path / "o"),
                             "--workers", "2", "--quiet"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(children(proc.pid)) < 2:
        time.sleep(0.05)
    workers = children(proc.pid)
    assert len(workers) >= 2
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in workers):
        time.sleep(0.1)
    alive = [pid for pid in workers if Path(f"/proc/{pid}/stat").exists()
             and Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"]
    assert alive == []


def test_ctrl_c_stops_long_runs_at_once(tmp_path: Path) -> None:
    """Ctrl-C to the terminal's group while two workers run hour-long simulations (and more
    wait queued to them): the sweep ends within seconds, says it was interrupted, exits 130,
    and no process prints a traceback."""
    spec = write(tmp_path / "s.yaml", "designs: [xrbench-4k-A, xrbench-4k-B]\n"
                                      "scenarios: [vr_gaming, ar_gaming]\nduration_s: 8000.0\n")
    proc = subprocess.Popen([sys.executable, "-m", "xrsim.sweep", str(spec), "--out", str(tmp_path / "o"),
                             "--workers", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True,  # a group of its own, as a terminal's job has
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(children(proc.pid)) < 2:
        time.sleep(0.05)
    time.sleep(1.0)  # the workers are inside their runs
    os.killpg(proc.pid, signal.SIGINT)
    try:
        stdout, stderr = proc.communicate(timeout=5)  # a run alone takes about ten seconds
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130, stderr
    assert "interrupted: run again to resume; 4 runs: 0 done" in stdout
    assert "Traceback" not in stdout + stderr


def test_command_line_mistakes_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = write(tmp_path / "s.yaml", "designs: [xrbench-4k-A]\nscenarios: [vr_gaming]\n")
    for argv, needle in ([[str(spec), "--workers", "abc"], "argument --workers: invalid int value: 'abc'"],
                         [[str(spec), "--bogus"], "unrecognized arguments: --bogus"],
                         [[str(spec), "--executor", "thread"], "argument --executor: invalid choice"]):
        with pytest.raises(SystemExit) as exit_:
            main(argv)
        err = capsys.readouterr().err
        assert exit_.value.code == 2 and err.count("\n") == 1 and needle in err, err
    status = main([str(spec), "--executor", "dask", "--dask-address", "garbage",
                   "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert status == 2 and err.count("\n") == 1
    assert "--dask-address: cannot reach a Dask scheduler at garbage" in err


def test_summary_ranks_configurations_with_failures_last() -> None:
    from xrsim.sweep.store import best_configurations, summary_md

    rows = [{"key": "1", "status": "ok", "design": "a", "scenario": "s", "seed": 0, "score": 90.0, "rt": 1.0,
             "en": 0.9, "qoe": 1.0, "miss_rate": 0.0},
            {"key": "2", "status": "failed", "design": "a", "scenario": "t", "seed": 0, "error": "boom"},
            {"key": "3", "status": "ok", "design": "b", "scenario": "s", "seed": 0, "score": 50.0, "rt": 1.0,
             "en": 0.5, "qoe": 1.0, "miss_rate": 0.0},
            {"key": "4", "status": "ok", "design": "b", "scenario": "t", "seed": 0, "score": 40.0, "rt": 1.0,
             "en": 0.4, "qoe": 1.0, "miss_rate": 0.0}]
    text = summary_md("x", rows, [])
    table = [line for line in text.splitlines() if line.startswith("| a |") or line.startswith("| b |")]
    assert table[0].startswith("| b | 2 | 0 | 45.00 |") and table[1].startswith("| a | 2 | 1 | 90.00 |")
    assert "Best: b (45.00)" in text
    assert best_configurations(rows, []) == [("b", 45.0, 2)]


def test_dry_run_and_json_summaries(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = write(tmp_path / "s.yaml", "name: dry\ndesigns: [xrbench-4k-A, xrbench-4k-B]\n"
                                      "scenarios: [vr_gaming]\nseeds: 2\nmode: xrbench\n")
    out = tmp_path / "o"
    assert main([str(spec), "--out", str(out), "--dry-run"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == (f"dry: 4 runs (2 designs x 1 scenarios x 2 seed and option sets), 0 already done "
                        f"in {out}, 4 to run")
    assert lines[1] == "  design=xrbench-4k-A, scenario=vr_gaming, seed=0, mode=xrbench, costs=table"
    assert lines[2].strip().startswith("python -m xrsim run --hardware xrbench-4k-A")
    assert not out.exists()  # a dry run writes nothing
    assert main([str(spec), "--out", str(out), "--executor", "serial", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert (summary["planned"], summary["done"], summary["skipped"], summary["failed"]) == (4, 4, 0, 0)
    # the published VR gaming scores of designs A and B (deterministic: both seeds alike)
    assert [(b["configuration"], round(b["score"], 3), b["runs"]) for b in summary["best"]] == [
        ("xrbench-4k-A", 86.466, 2), ("xrbench-4k-B", 31.354, 2)]
    assert main([str(spec), "--out", str(out), "--dry-run", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["to_run"] == 0


def test_an_override_the_costs_cannot_see_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                                    ) -> None:
    """The reference's measured costs are keyed by dataflow, PEs and NoC: a DRAM or clock
    override would change nothing, silently."""
    from xrsim.cli import main as xrsim_main

    assert xrsim_main(["run", "--mode", "xrbench", "--set", "dram.bandwidth_gb_per_s=1"]) == 2
    assert "set.dram.bandwidth_gb_per_s: changes nothing with costs 'table'" in capsys.readouterr().err
    # PEs are a key of the table (2,048 WS PEs with a 256-word NoC: 8k-G's sub-accelerators)
    assert xrsim_main(["run", "--mode", "xrbench", "--set", "sub_accelerators.*.num_pes=2048",
                       "--set", "name=renamed", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["hardware"] == "renamed" and round(out["score"], 3) != 86.466
    spec = write(tmp_path / "s.yaml", "designs: [xrbench-4k-A]\nscenarios: [vr_gaming]\nmode: xrbench\n"
                                      "set: {sub_accelerators.*.clock_ghz: [0.5, 1.0]}\n")
    assert main([str(spec), "--dry-run"]) == 2
    assert "set.sub_accelerators.*.clock_ghz: changes nothing with costs 'table'" in capsys.readouterr().err
    # with layer blocks, the calibrated costs split over layers as the analytical model
    # splits them, so the clock does shape a run
    assert xrsim_main(["run", "--costs", "calibrated", "--granularity", "block:4", "--duration-s", "0.1",
                       "--set", "sub_accelerators.*.clock_ghz=0.5"]) == 0


def test_a_full_cost_memo_evicts_only_after_it_has_served_the_run() -> None:
    """A memo at capacity, asked for a model it lacks before one it holds: putting the new
    costs in evicts the oldest, which must not be the one this very call still needs (it
    once was, and a long sweep failed a run with KeyError)."""
    from xrsim.cost import get_cost_model
    from xrsim.cost.base import CostMemo, CostTable
    from xrsim.hardware import load_hardware
    from xrsim.workload.library import load_model

    system = load_hardware("xrbench-4k-D")  # two sub-accelerators
    held, new = load_model("KD_res8_narrow"), load_model("GE_FBNet_C")
    backend = get_cost_model("analytical")
    memo = CostMemo(capacity=2)
    memo.costs(backend, system, [held])
    got = memo.costs(backend, system, [new, held])
    direct = CostTable.build(backend, system, [new, held]).costs
    assert list(got) == list(direct) and all(got[k].latency_s == direct[k].latency_s for k in direct)
    assert len(memo) == 2
