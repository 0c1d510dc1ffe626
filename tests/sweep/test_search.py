"""A sweep spec's search: block: the search finds the grid's front with a fraction of its
runs, resumes to the same result after being killed, keeps infeasible designs off the
front, and refuses bad specs with one line before anything runs."""

from __future__ import annotations

import copy
import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import Executor, Future
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.sweep.processes import children
from xrsim.errors import SpecError
from xrsim.sweep import run_search, run_sweep, store, worker
from xrsim.sweep.cli import main
from xrsim.sweep.executors import SerialExecutor

ROOT = Path(__file__).resolve().parents[2]
# A space small enough to enumerate: 4 budgets x (3 + 6 + 9 dataflow assignments) x 2 global
# buffers x 2 DRAM bandwidths = 288 designs, one short run each.
SPACE: dict[str, Any] = {
    "pe_budget": [512, 1024, 2048, 4096], "split": ["single", "dual", "big_little"], "dataflows": "all",
    "global_buffer_kib": [256, 2048], "pe_buffer_bytes": 512, "noc_words_per_cycle": 64,
    "dram_gb_per_s": [8, 32], "ws_variant": "nvdla"}
RUN = {"scenarios": ["ar_gaming"], "costs": "analytical", "duration_s": 0.2}
SEARCH: dict[str, Any] = {
    "name": "search", **RUN,
    "search": {"algorithm": "tpe", "trials": 72, "batch": 8, "seed": 0,
               "objectives": ["mean(score) max", "total_pes min"], "space": {"generate": SPACE}}}


def spec_with(**search: Any) -> dict[str, Any]:
    spec = copy.deepcopy(SEARCH)
    spec["search"].update(search)
    return spec


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def hypervolume(points: list[tuple[float, float]], reference: tuple[float, float]) -> float:
    """The area that (cost, score) points dominate - cost down, score up - bounded by the
    reference point (a cost above every design's, a score below every design's)."""
    area, best_score = 0.0, reference[1]
    front: list[tuple[float, float]] = []
    for cost, score in sorted(set(points), key=lambda p: (p[0], -p[1])):
        if score > best_score:
            front.append((cost, score))
            best_score = score
    for i, (cost, score) in enumerate(front):
        right = front[i + 1][0] if i + 1 < len(front) else reference[0]
        area += (right - cost) * (score - reference[1])
    return area


def test_hypervolume_by_hand() -> None:
    # (1, 3) and (2, 5) against (4, 0): 1 x 3 + 2 x 5; (3, 4) is dominated by (2, 5).
    assert hypervolume([(1, 3), (2, 5), (3, 4)], (4, 0)) == 13


@pytest.mark.parametrize("algorithm", ["tpe", "nsga2"])
def test_search_front_covers_the_grid_front(tmp_path: Path, algorithm: str) -> None:
    """With at most a quarter of the grid's runs, the front found covers >= 95 % of the
    hypervolume of the grid's true front (reference point: 4608 PEs, score 0)."""
    grid = run_sweep({"name": "grid", "designs": [{"generate": SPACE}], **RUN}, out=tmp_path / "grid",
                     executor="serial")
    assert len(grid) == 288 and all(r["status"] == "ok" for r in grid)
    outcome = run_search(spec_with(algorithm=algorithm), out=tmp_path / "search", executor="serial")
    runs = read_csv(tmp_path / "search" / "runs.csv")
    assert len(runs) == len(outcome.sweep_outcome.sweep.runs) <= len(grid) // 4
    front = read_csv(tmp_path / "search" / "pareto.csv")
    reference = (4608.0, 0.0)
    true = hypervolume([(r["total_pes"], r["score"]) for r in grid], reference)
    found = hypervolume([(float(r["mean(total_pes)"]), float(r["mean(score)"])) for r in front], reference)
    assert found / true >= 0.95, (found / true, len(runs))
    # Every point of the front is a design the grid has, with the grid's score for it.
    grid_scores = {(r["total_pes"], round(r["score"], 9)) for r in grid}
    found_points = {(int(float(r["mean(total_pes)"])), round(float(r["mean(score)"]), 9)) for r in front}
    assert found_points <= grid_scores


class InterruptAfter(Executor):
    """Runs serially; the ``limit``-th task raises KeyboardInterrupt, as Ctrl-C would."""

    def __init__(self, limit: int) -> None:
        self.left = limit

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        self.left -= 1
        if self.left < 0:
            raise KeyboardInterrupt
        return SerialExecutor().submit(fn, *args, **kwargs)


def outputs(out: Path) -> tuple[str, str]:
    return tuple((out / name).read_text(encoding="utf-8") for name in ("trials.csv", "pareto.csv"))  # type: ignore[return-value]


def ok_keys_once(out: Path) -> None:
    rows = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    ok = [r["key"] for r in rows if r["status"] == "ok"]
    assert len(ok) == len(set(ok)), "a run was run twice"


def test_interrupted_search_resumes_to_the_same_result(tmp_path: Path) -> None:
    spec = spec_with(trials=40, constraints=["total_pes <= 2048"])
    whole = run_search(spec, out=tmp_path / "whole", executor="serial")
    stopped = run_search(spec, out=tmp_path / "resumed", executor=InterruptAfter(17), workers=1)
    assert stopped.sweep_outcome.interrupted and len(stopped.trials) < 40
    resumed = run_search(spec, out=tmp_path / "resumed", executor="serial")
    # The interrupted session's runs are not run again.
    assert resumed.sweep_outcome.skipped == stopped.sweep_outcome.done > 0
    assert outputs(tmp_path / "resumed") == outputs(tmp_path / "whole")
    assert [t.params for t in resumed.trials] == [t.params for t in whole.trials]
    ok_keys_once(tmp_path / "resumed")


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="finds the pool's workers in /proc")
def test_killed_search_resumes_to_the_same_result(tmp_path: Path) -> None:
    """SIGKILL on the command line with a process pool, then the same command again."""
    spec = spec_with(trials=48, batch=4)
    spec.update(scenarios=["ar_gaming", "vr_gaming", "ar_assistant"], duration_s=0.5)
    path = tmp_path / "search.yaml"
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    command = [sys.executable, "-m", "xrsim.sweep", str(path), "--workers", "2", "--quiet"]
    env = {**os.environ, "PYTHONWARNINGS": "error"}
    assert subprocess.run([*command, "--out", str(tmp_path / "whole")], env=env, capture_output=True,
                          timeout=300).returncode == 0
    log = tmp_path / "killed" / "results.jsonl"
    child = subprocess.Popen([*command, "--out", str(tmp_path / "killed")], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not (log.exists() and log.read_bytes().count(b"\n") >= 12):
        time.sleep(0.01)
    workers = children(child.pid)
    child.send_signal(signal.SIGKILL)
    child.wait()
    # Its pool workers end by themselves within a second (and release the folder's lock).
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in workers):
        time.sleep(0.05)
    assert not (tmp_path / "killed" / "pareto.csv").exists(), "the search ended before it was killed"
    done = subprocess.run([*command, "--out", str(tmp_path / "killed")], env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert outputs(tmp_path / "killed") == outputs(tmp_path / "whole")
    assert (tmp_path / "killed" / "pareto.png").is_file()
    ok_keys_once(tmp_path / "killed")


def test_ctrl_c_to_the_terminal_group_then_resume(tmp_path: Path) -> None:
    """Ctrl-C signals every process of the terminal's group, the pool's workers too, which
    sit idle while the search asks for its next batch: the search says it was interrupted
    (status 130) and no worker prints a traceback; the same command again finishes it."""
    spec = spec_with(trials=48, batch=4)
    spec.update(scenarios=["ar_gaming", "vr_gaming", "ar_assistant"], duration_s=0.5)
    path = tmp_path / "search.yaml"
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    command = [sys.executable, "-m", "xrsim.sweep", str(path), "--workers", "2", "--out", str(tmp_path / "o")]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             start_new_session=True,  # a group of its own, as a terminal's job has
                             preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    log = tmp_path / "o" / "results.jsonl"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not (log.exists() and log.read_bytes().count(b"\n") >= 12):
        time.sleep(0.01)
    os.killpg(child.pid, signal.SIGINT)
    stdout, stderr = child.communicate(timeout=120)
    assert child.returncode == 130, stderr
    assert "interrupted: run again to resume" in stdout
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr, stderr
    assert len(read_csv(tmp_path / "o" / "trials.csv")) < 48, "the search ended before it was interrupted"
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert len(read_csv(tmp_path / "o" / "trials.csv")) == 48
    ok_keys_once(tmp_path / "o")


@pytest.mark.parametrize("algorithm", ["nsga2", "tpe", "random"])
def test_constraints_keep_infeasible_designs_off_the_front(tmp_path: Path, algorithm: str) -> None:
    spec = spec_with(algorithm=algorithm, trials=24, constraints=["total_pes <= 2048", "min(score) > 30"])
    outcome = run_search(spec, out=tmp_path / "out", executor="serial")
    trials = read_csv(tmp_path / "out" / "trials.csv")
    infeasible = [t for t in trials if t["feasible"] == "False"]
    assert infeasible and any(float(t["mean(total_pes)"]) > 2048 for t in infeasible)
    assert any(float(t["min(score)"]) <= 30 for t in infeasible)
    front = read_csv(tmp_path / "out" / "pareto.csv")
    assert front and len(front) == len(outcome.front)
    for row in front:
        assert float(row["mean(total_pes)"]) <= 2048 and float(row["min(score)"]) > 30
        design = yaml.safe_load(row["yaml"])  # the design as simulated
        assert sum(s["num_pes"] for s in design["sub_accelerators"]) == float(row["mean(total_pes)"])


def test_set_paths_and_designs_as_the_space(tmp_path: Path) -> None:
    """Built-in designs as choices and set paths as ranges; the rows carry the values and
    their commands repeat the runs."""
    spec = {"name": "s", "designs": ["xrbench-4k-A", "xrbench-8k-[JM]"], "scenarios": ["vr_gaming"],
            "seeds": 2, "duration_s": 0.2,
            "search": {"algorithm": "random", "trials": 6, "batch": 3,
                       "objectives": ["median(score) max", "max(energy_per_frame_j) min"],
                       "space": {"set": {"dram.bandwidth_gb_per_s": {"low": 8, "high": 128, "log": True},
                                         "sub_accelerators.*.clock_ghz": [0.5, 1.0]}}}}
    outcome = run_search(spec, out=tmp_path / "out", executor="serial")
    assert len(outcome.trials) == 6 and all(t.values is not None for t in outcome.trials)
    rows = read_csv(tmp_path / "out" / "runs.csv")
    assert len(rows) == 12 and {r["design"] for r in rows} <= {"xrbench-4k-A", "xrbench-8k-J", "xrbench-8k-M"}
    # A glob's designs are choices of their own: a trial is one design, on 1 scenario x 2 seeds.
    assert all(len({r.labels["design"] for r in t.runs}) == 1 and len(t.runs) == 2 for t in outcome.trials)
    assert all(8 <= float(r["set.dram.bandwidth_gb_per_s"]) <= 128 for r in rows)
    assert all(f"--set dram.bandwidth_gb_per_s={r['set.dram.bandwidth_gb_per_s']}" in r["command"]
               for r in rows)
    trials = read_csv(tmp_path / "out" / "trials.csv")
    assert [t["design"] for t in trials] == [t.design for t in outcome.trials]
    # one file at two clocks is two designs: the searched overrides are in the name
    for t in outcome.trials:
        bandwidth = t.overrides["dram.bandwidth_gb_per_s"]
        clock = t.overrides["sub_accelerators.*.clock_ghz"]
        assert t.design.endswith(f" dram.bandwidth_gb_per_s={bandwidth} sub_accelerators.*.clock_ghz={clock}")


def test_any_metric_column_of_a_row_is_an_objective(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Objectives and constraints take the rows' metric columns as they are, so a metric
    added to the rows (an area, a power) is searchable with no change to the search."""
    monkeypatch.setattr(store, "METRIC_COLUMNS", (*store.METRIC_COLUMNS, "area_mm2"))
    plain = worker.metrics
    monkeypatch.setattr(worker, "metrics", lambda result: {**plain(result),
                                                           "area_mm2": result.system.total_pes / 1000})
    spec = spec_with(trials=16, objectives=["mean(score) max", "area_mm2 min"],
                     constraints=["area_mm2 <= 2.1"])
    outcome = run_search(spec, out=tmp_path / "out", executor="serial")
    assert outcome.front and all(t.measures["mean(area_mm2)"] <= 2.1 for t in outcome.front)


BAD = [
    ({"algorithm": "cmaes"}, "search.algorithm: Input should be 'nsga2', 'tpe' or 'random'"),
    ({"objectives": ["mean(scor) max"]}, "search.objectives[0]: unknown metric 'scor'"),
    ({"objectives": ["mean(score)"]}, "search.objectives[0]: 'mean(score)' is not an objective"),
    ({"objectives": ["avg(score) max"]}, "search.objectives[0]: unknown aggregate 'avg'"),
    ({"objectives": []}, "search.objectives: List should have at least 1 item"),
    ({"constraints": ["total_pes =< 4"]}, "search.constraints[0]: 'total_pes =< 4' is not a constraint"),
    ({"constraints": ["area <= 4"]}, "search.constraints[0]: unknown metric 'area'"),
    ({"constraints": ["total_pes <= four"]}, "search.constraints[0]"),
    ({"trials": 0}, "search.trials: Input should be greater than or equal to 1"),
    ({"space": {"generate": {**SPACE, "pe_budget": 1024, "split": "dual", "dataflows": ["WS", "OS"],
                             "global_buffer_kib": 256, "dram_gb_per_s": 8}}},
     "search.space: the space is empty"),
    ({"space": {"generate": {**SPACE, "pe_budgt": 1}}}, "search.space.generate.pe_budgt: unknown field"),
    ({"space": {"generate": {**SPACE, "pe_budget": {"low": 4096, "high": 512}}}},
     "search.space.generate.pe_budget: a range needs low < high"),
    ({"space": {"generate": {**SPACE, "split": ["dual", "triple"]}}},
     "search.space.generate.split: unknown split 'triple'"),
    ({"space": {"generate": SPACE, "set": {"dram.bandwith_gb_per_s": [8, 16]}}},
     "search.space.set.dram.bandwith_gb_per_s: names no field"),
    ({"space": {"generate": SPACE, "set": {"dram.bandwidth_gb_per_s": {"low": 1, "hi": 2}}}},
     "search.space.set.dram.bandwidth_gb_per_s: a range takes low, high, step and log"),
    ({"space": {"generate": SPACE, "set": {"dram.bandwidth_gb_per_s": []}}},
     "search.space.set.dram.bandwidth_gb_per_s: an empty list of choices"),
    ({"space": {}}, "designs: give at least one design"),
    ({"sampler": "tpe"}, "search.sampler: unknown field"),
    ({"space": {"generate": {**SPACE, "pe_multiple": [64, 128]}}},
     "search.space.generate.pe_multiple: takes one value"),
    ({"population_size": 8}, "search.population_size: applies to algorithm nsga2 only"),
]


@pytest.mark.parametrize(("change", "needle"), BAD)
def test_bad_search_spec(tmp_path: Path, capsys: pytest.CaptureFixture[str], change: dict[str, Any],
                         needle: str) -> None:
    spec = spec_with(**change)
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    status = main([str(path), "--out", str(tmp_path / "out"), "--executor", "serial"])
    err = capsys.readouterr().err
    assert status == 2, err
    assert err.count("\n") == 1 and str(path) in err and needle in err, err
    assert not (tmp_path / "out").exists()  # refused before anything ran


@pytest.mark.parametrize(("top", "needle"), [
    ({"scheduler": ["edf", "llf"]}, "scheduler: in a search a run option takes one value"),
    ({"set": {"dram.bandwidth_gb_per_s": 8}}, "set: in a search, overrides go under search.space.set"),
    ({"designs": ["xrbench-4k-A"]}, "designs: a search that generates its designs"),
])
def test_bad_search_spec_top_level(tmp_path: Path, capsys: pytest.CaptureFixture[str], top: dict[str, Any],
                                   needle: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump({**SEARCH, **top}), encoding="utf-8")
    assert main([str(path), "--out", str(tmp_path / "out"), "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and needle in err, err


def test_dry_run_describes_the_space(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(SEARCH), encoding="utf-8")
    assert main([str(path), "--dry-run"]) == 0
    shown = capsys.readouterr().out
    assert "search tpe, 72 trials in batches of 8" in shown and "generate.dataflow1: WS, OS, RS" in shown


def test_the_worked_example_plans() -> None:
    assert main([str(ROOT / "experiments" / "search" / "sweep.yaml"), "--dry-run"]) == 0


def test_a_design_the_generator_refuses_is_a_failed_trial(tmp_path: Path) -> None:
    """A budget whose share has no array within 4:1 (an odd count split in two) fails its
    trial, with the reason; the search goes on and the front holds only designs that ran."""
    spec = spec_with(algorithm="nsga2", trials=24, space={"generate": {
        **SPACE, "pe_budget": {"low": 1000, "high": 1100}, "split": ["dual", "single"]}})
    outcome = run_search(spec, out=tmp_path / "out", executor="serial")
    trials = read_csv(tmp_path / "out" / "trials.csv")
    failed = [t for t in trials if t["state"] == "failed"]
    assert failed and all("PEs" in t["error"] for t in failed), failed
    assert len(trials) == 24 and len(failed) < 24 and outcome.front
    assert {t.number for t in outcome.front} <= {int(t["trial"]) for t in trials if t["state"] == "complete"}


def test_dask_runs_a_search_as_the_pool_does(tmp_path: Path) -> None:
    """Dask workers load each trial's generated design from its file, and tell the same values."""
    from xrsim.sweep.executors import open_executor

    spec = spec_with(trials=16)
    run_search(spec, out=tmp_path / "serial", executor="serial")
    with open_executor("dask", workers=2) as (executor, count):
        run_search(spec, out=tmp_path / "dask", executor=executor, workers=count)
    assert outputs(tmp_path / "dask") == outputs(tmp_path / "serial")


class LoseATask(Executor):
    """Runs serially, but the ``which``-th task's future fails, as a task lost with its
    worker does on a Dask cluster."""

    def __init__(self, which: int) -> None:
        self.count = 0
        self.which = which

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        self.count += 1
        if self.count != self.which:
            return SerialExecutor().submit(fn, *args, **kwargs)
        future: Future[Any] = Future()
        future.set_exception(OSError("connection to the worker lost"))
        return future


def test_a_run_lost_with_its_worker_stops_the_search_untold(tmp_path: Path) -> None:
    """Its batch is not told (a lost run says nothing of the design); the next start
    reruns it and ends as an uninterrupted search does."""
    spec = spec_with(trials=24)
    run_search(spec, out=tmp_path / "whole", executor="serial")
    lost = run_search(spec, out=tmp_path / "lost", executor=LoseATask(12), workers=1)
    assert lost.sweep_outcome.broken and "connection to the worker lost" in lost.sweep_outcome.broken
    assert len(lost.trials) == 8  # the first batch; the second lost a run
    run_search(spec, out=tmp_path / "lost", executor="serial")
    assert outputs(tmp_path / "lost") == outputs(tmp_path / "whole")


def test_json_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(spec_with(trials=8)), encoding="utf-8")
    assert main([str(path), "--out", str(tmp_path / "out"), "--executor", "serial", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["trials"] == summary["complete"] == 8 and summary["pareto"]
    assert set(summary["pareto"][0]) == {"trial", "design", "mean(score)", "mean(total_pes)"}


def test_a_node_outside_the_tables_is_refused_before_the_search_runs(tmp_path: Path) -> None:
    spec = spec_with(trials=4)
    spec["search"]["space"]["generate"] = {**SPACE, "technology_nm": [7, 3]}
    with pytest.raises(SpecError, match=r"search\.space\.generate\.technology_nm\[1\]: must be 7 to 65 nm"):
        run_search(spec, out=tmp_path / "out", executor="serial")
    assert not (tmp_path / "out").exists()
