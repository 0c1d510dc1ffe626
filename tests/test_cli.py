"""The command line: list, validate every built-in spec, run --json."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from xrsim.cli import main

ROOT = Path(__file__).resolve().parent.parent


def test_list_names_everything(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert len([h for h in listed["hardware"] if h.startswith("xrbench-")]) == 26
    # the suite's 12 model files and 11 scenarios, and 2 models and 1 scenario beyond it
    assert "vr_gaming_25p" in listed["scenarios"] and len(listed["models"]) == 12 + 2
    assert len(listed["scenarios"]) == 11 + 1
    assert "table" in listed["cost backends"]


def test_every_builtin_spec_validates(capsys: pytest.CaptureFixture[str]) -> None:
    files = sorted(str(p) for d in ("hardware_specs", "workloads") for p in (ROOT / d).rglob("*.yaml"))
    assert len(files) == 26 + (12 + 2) + (11 + 1)
    assert main(["validate", *files]) == 0
    assert capsys.readouterr().out.count(": OK - ") == len(files)


def test_run_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--scenario", "social_interaction_b", "--hardware", "xrbench-8k-J",
                 "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["scenario"] == "social_interaction_b" and out["hardware"] == "xrbench-8k-J"
    assert set(out["models"]) == {"ES_RITNet", "GE_FBNet_C", "AS_ED_TCN"}
    for model in out["models"].values():
        assert {"rt", "en", "qoe", "score"} <= set(model)
    assert out["score"] == pytest.approx(
        100 * sum(m["score"] for m in out["models"].values()) / 3)


def test_module_entry_point_exit_status() -> None:
    """`python -m xrsim` as a user runs it: bad input exits 2 with one line, no traceback."""
    bad = subprocess.run([sys.executable, "-m", "xrsim", "run", "--hardware", "nope"],
                         capture_output=True, text=True, check=False)
    assert bad.returncode == 2
    assert bad.stderr.startswith("xrsim: error: hardware: unknown hardware 'nope'")
    assert "Traceback" not in bad.stderr
    good = subprocess.run([sys.executable, "-m", "xrsim", "run"], capture_output=True, text=True,
                          check=False)
    assert good.returncode == 0
    assert "vr_gaming on xrbench-4k-A  (mode default, costs analytical" in good.stdout
    assert "XRBench score: " in good.stdout
    reference = subprocess.run([sys.executable, "-m", "xrsim", "run", "--mode", "xrbench"],
                               capture_output=True, text=True, check=False)
    assert reference.returncode == 0 and "XRBench score: 86.466" in reference.stdout


def test_score_parameters(capsys: pytest.CaptureFixture[str]) -> None:
    """EN = 1 - E / E_max: doubling E_max halves 1 - EN. The reference's summary gives
    ES_RITNet EN = 0.976447 on design A, so with E_max = 3 J it is 1 - 0.023553 / 2."""
    assert main(["run", "--mode", "xrbench", "--e-max-j", "3.0", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["models"]["ES_RITNet"]["en"] == pytest.approx(1 - (1 - 0.976447) / 2, abs=1e-5)
    assert main(["run", "--mode", "xrbench", "--k-per-ms", "0", "--json"]) == 2
    assert "k_per_ms: Input should be greater than 0 (got 0.0)" in capsys.readouterr().err


def test_help_shows_every_default(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["run", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for shown in ("(default: xrbench-4k-A)", "(default: vr_gaming)", "(default: 0)", "(default: edf)",
                  "(default: latency_greedy)", "(default: deadline)", "(default: model)",
                  "(default: analytical in mode default, table in mode xrbench)", "[mode default only]"):
        assert shown in text, shown


def test_list_names_every_kind_of_name(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", "--json"]) == 0
    names = json.loads(capsys.readouterr().out)
    assert names["energy tables"] == ["accelergy-65nm", "eyeriss-65nm-normalised", "int8-7nm",
                                      "xrbench-maestro"]
    assert names["drop policies"] == ["deadline", "never", "predicted_miss"]
    assert names["dataflows"] == ["WS", "OS", "RS", "IS"]
    assert names["layer kinds"] == ["conv", "gemm", "attention_matmul", "elementwise", "pool"]
    assert names["modes"] == ["default", "xrbench"]
    assert {"scheduler", "duration_s", "shared_dram", "config"} <= set(names["run options"])


def test_run_json_reports_area_and_power(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--scenario", "ar_gaming", "--hardware", "xrbench-8k-J", "--mode", "xrbench",
                 "--json", "--set", "technology_nm=16", "--set",
                 "sub_accelerators.acc0.power_gating={enabled: false, wake_up_us: 1}"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["technology_nm"] == 16
    area = out["area"]
    assert out["area_mm2"] == area["area_mm2"] == pytest.approx(
        sum(s["area_mm2"] for s in area["sub_accelerators"].values()))
    for term in ("pe_datapath_mm2", "pe_buffers_mm2", "global_buffer_mm2", "noc_mm2", "dram_phy_mm2"):
        assert area[term] > 0
    power = out["power"]
    assert power["energy_j"] == pytest.approx(power["dynamic_j"] + power["dram_j"] + power["static_j"])
    assert out["power_avg_w"] == power["power_avg_w"] == pytest.approx(power["energy_j"] / power["window_s"])
    assert out["power_peak_w"] >= out["power_avg_w"] > 0
    assert out["energy_per_frame_j"] > 0
    assert set(power["models"]) == set(out["models"])
    assert main(["run", "--scenario", "ar_gaming", "--hardware", "xrbench-8k-J", "--mode", "xrbench"]) == 0
    assert "mm^2 at 28 nm; power average" in capsys.readouterr().out
