"""The command line: engine options, bad input (one line naming the field, exit 2), and
the reference mode's published result."""

from __future__ import annotations

import csv
import hashlib
import itertools
import json
from pathlib import Path

import pytest

from xrsim import simulate
from xrsim.cli import main
from xrsim.sim.trace import write_timeline_csv

# Modes and backends are spelled out: the defaults of `run` are due to change.
FAST = ["run", "--mode", "default", "--costs", "table", "--hardware", "xrbench-8k-J",
        "--scenario", "ar_gaming", "--duration-s", "0.2"]


def _error(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("xrsim: error: ")
    return err


@pytest.mark.parametrize(("flags", "field"), [
    (["--scheduler", "lottery"], "scheduler"),
    (["--placement", "random"], "placement"),
    (["--granularity", "block:0"], "granularity"),
    (["--granularity", "layers"], "granularity"),
    (["--granularity", "block:4"], "granularity"),  # the table backend has no per-layer costs
    (["--drop-policy", "sometimes"], "drop_policy"),
    (["--warmup-s", "-1"], "warmup_s"),
    # FAST simulates 0.2 s: a warm-up as long leaves no frame to measure.
    (["--warmup-s", "0.2"], "warmup_s"),
    (["--warmup-s", "0.5"], "warmup_s"),
    (["--preemptive"], "preemptive"),  # FAST runs whole models: no boundary to preempt at
    (["--granularity", "block:4", "--migration"], "migration"),  # without --preemptive
])
def test_bad_engine_option(capsys: pytest.CaptureFixture[str], flags: list[str], field: str) -> None:
    assert f"error: {field}: " in _error(capsys, FAST + flags)


def test_negative_jitter_bound(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("name: s\nmodels:\n  - {model: KD_res8_narrow, fps: 3, jitter: {bound_ms: -1}}\n")
    err = _error(capsys, [*FAST, "--scenario", str(path)])
    assert "models[0].jitter.bound_ms" in err and str(path) in err


def test_engine_options_need_mode_default(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert "scheduler: applies to mode 'default' only, and this run's mode is 'xrbench'" in _error(
        capsys, ["run", "--mode", "xrbench", "--scheduler", "edf"])
    path = tmp_path / "s.yaml"
    path.write_text("name: s\nmodels:\n  - {model: KD_res8_narrow, fps: 3, phase_ms: 2}\n")
    assert "cannot apply phase_ms" in _error(capsys, ["run", "--mode", "xrbench", "--scenario", str(path)])
    assert main([*FAST, "--scenario", str(path)]) == 0  # mode default applies it


def test_config_file_and_flags(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text("scheduler: llf\ndrop_policy: never\n")
    assert main([*FAST, "--config", str(config), "--drop-policy", "deadline", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["config"]["scheduler"], out["config"]["drop_policy"]) == ("llf", "deadline")
    config.write_text("schedule: llf\n")
    err = _error(capsys, [*FAST, "--config", str(config)])
    assert str(config) in err and "schedule: unknown field" in err


def test_no_shared_dram_overrides_the_config(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # The table backend reports no DRAM traffic, so sharing DRAM with it is refused; the
    # flag --no-shared-dram must win over the config file's shared_dram: true.
    config = tmp_path / "c.yaml"
    config.write_text("shared_dram: true\n")
    assert "shared_dram: " in _error(capsys, [*FAST, "--config", str(config)])
    assert main([*FAST, "--config", str(config), "--no-shared-dram", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["config"]["shared_dram"] is False


def test_blocks_preemption_shared_dram_and_block_trace(capsys: pytest.CaptureFixture[str],
                                                       tmp_path: Path) -> None:
    jsonl = tmp_path / "t.jsonl"
    argv = ["run", "--mode", "default", "--hardware", "xrbench-8k-J", "--scenario", "ar_gaming",
            "--duration-s", "0.1", "--costs", "analytical", "--scheduler", "edf",
            "--granularity", "block:4", "--preemptive", "--shared-dram", "--trace-blocks",
            "--trace-jsonl", str(jsonl), "--json"]
    assert main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    config = out["config"]
    assert (config["granularity"], config["preemptive"], config["shared_dram"], config["record_blocks"]) == \
        ("block:4", True, True, True)
    lines = [json.loads(line) for line in jsonl.read_text().splitlines()]
    inferences = [x for x in lines if x["kind"] == "inference"]
    blocks = [x for x in lines if x["kind"] == "block"]
    assert len(inferences) == out["stats"]["run"]["frames"] > 0
    # Every completed inference ran its layers in 4-layer blocks, so it has at least one
    # block record, and shared DRAM made some inference lose time to the channel.
    done = {(x["model"], x["frame"]) for x in inferences if not x["dropped"]}
    assert done <= {(b["model"], b["frame"]) for b in blocks}
    assert any(x["stall_s"] > 0 for x in inferences)


def test_validate_knows_engine_configs(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text("scheduler: edf\ngranularity: block:4\npreemptive: true\n")
    assert main(["validate", str(config)]) == 0
    assert "engine config: scheduler edf, placement latency_greedy, granularity block:4, preemptive" in \
        capsys.readouterr().out
    config.write_text("scheduler: edf\ngranularity: block\n")
    assert "granularity: " in _error(capsys, ["validate", str(config)])


def test_run_json_has_stats_and_trace_files(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    files = ["--trace-json", str(tmp_path / "t.json"), "--trace-jsonl", str(tmp_path / "t.jsonl"),
             "--records-csv", str(tmp_path / "r.csv")]
    assert main([*FAST, "--scheduler", "rate_monotonic", "--json", *files]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out["stats"]) == {"window_s", "run", "models", "utilisation", "fairness"}
    assert {"latency_p99_s", "miss_rate", "drop_rate", "energy_per_frame_j", "average_power_w",
            "edp_j_s", "antt"} <= set(out["stats"]["run"])
    assert set(out["stats"]["utilisation"]) == {"acc0", "acc1"}
    assert json.loads((tmp_path / "t.json").read_text())["traceEvents"]
    # the JSON lines: a run header and one line per record; the CSV: a header and a row each
    assert (tmp_path / "t.jsonl").read_text().count("\n") == len(
        (tmp_path / "r.csv").read_text().splitlines())


def test_list_names_schedulers_and_placements(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["schedulers"] == ["edf", "fcfs", "llf", "rate_monotonic", "round_robin", "xrbench"]
    assert out["placements"] == ["affinity", "edp_greedy", "energy_greedy", "latency_greedy"]
    assert "default" in out["modes"]


# SHA-256 of the reference-format timeline CSV of VR gaming on A-4K and B-4K. At
# development time both files matched the reference's own schedule CSVs
# (schedule_VR_gaming__Single_4K__{WS,OS}.csv) row for row, every time identical to the
# printed microsecond; the digests pin that, so any change to mode xrbench shows here.
TIMELINE_SHA256 = {
    "xrbench-4k-A": "4986724979216c6a7b7e4130ce0c6b0087f4c7040ddfae90d9db8e0e749ae9d6",
    "xrbench-4k-B": "769c7442d736fe077fabfdfed13007c223cd523d6c71c772f7270474979252ae",
}


@pytest.mark.parametrize("hardware", sorted(TIMELINE_SHA256))
def test_xrbench_mode_timeline_is_unchanged(hardware: str, tmp_path: Path) -> None:
    result = simulate(hardware, "vr_gaming", mode="xrbench", costs="table")
    write_timeline_csv(result.trace, tmp_path / "t.csv")
    assert hashlib.sha256((tmp_path / "t.csv").read_bytes()).hexdigest() == TIMELINE_SHA256[hardware]


# The XRBench reference's published run of VR gaming on design A-4K (Single_4K, WS):
# overall score 86.466141 (summed in float32 by the reference), first two timeline rows
# (dispatch, completion in ms) as below.
def test_xrbench_mode_still_reproduces_the_reference(tmp_path: Path) -> None:
    result = simulate("xrbench-4k-A", "vr_gaming", mode="xrbench", costs="table")
    assert result.score.score == pytest.approx(86.466141, abs=1e-4)
    first = [(r.model, round(r.dispatch_s * 1e3, 6), round(r.completion_s * 1e3, 6))
             for r in result.trace.records[:2]]
    assert first == [("ES_RITNet", 0.0, 1.503136), ("GE_FBNet_C", 1.503136, 5.725173)]
    assert result.config is not None and result.config.model_dump() == {"rng": "numpy"}  # the default
    assert result.stats.run.frames == len(result.trace)


def test_blocks_csv(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """One row per block; ES_RITNet's 42 layers in 8-layer blocks are 6 blocks (5 x 8 + 2),
    which tile its layers [0, 42) in order on one sub-accelerator (no preemption)."""
    out = tmp_path / "b.csv"
    assert main(["run", "--scenario", "vr_gaming", "--duration-s", "0.05", "--granularity", "block:8",
                 "--blocks-csv", str(out)]) == 0
    assert "block records written to" in capsys.readouterr().out
    rows = list(csv.DictReader(out.read_text().splitlines()))
    es0 = [r for r in rows if r["model"] == "ES_RITNet" and r["frame"] == "0"]
    assert [(int(r["first_layer"]), int(r["end_layer"])) for r in es0] == \
        [(0, 8), (8, 16), (16, 24), (24, 32), (32, 40), (40, 42)]
    assert len({r["sub_index"] for r in es0}) == 1
    assert all(float(a["end_s"]) <= float(b["start_s"]) + 1e-12 for a, b in itertools.pairwise(es0))
