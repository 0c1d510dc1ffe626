"""``python -m xrsim costs`` and ``validate-costs`` as a user runs them."""

from __future__ import annotations

import csv
import json

import pytest

from xrsim.cli import main


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    assert main(["costs", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_one_off_conv_reproduces_scalesim(capsys) -> None:
    # SCALE-Sim v2's golden trace: AlexNet CONV1 as in SCALE-Sim's topology (224^2, no
    # padding), WS on 32 x 32: 112,283 cycles; stall-free as SCALE-Sim's CALC mode
    out = run_json(capsys, "--layer", "conv:H=224,W=224,C=3,K=96,R=11,S=11,stride=4",
                   "--array", "32x32", "--dataflow", "WS", "--scalesim-compat")
    assert out["cycles"] == 112_283
    assert out["macs"] == 55 * 55 * 363 * 96
    assert out["bound"] == "compute"
    assert out["utilisation"] == pytest.approx(0.91683, abs=5e-6)
    assert out["latency_s"] == pytest.approx(112_283e-9)
    assert out["energy_j"] > 0


def test_one_off_gemm_and_clock(capsys) -> None:
    # SCALE-Sim v2 (CALC mode, 32 x 32): GEMM M256 N128 K256, OS, 10,175 cycles; at 0.5 GHz: 20.35 us
    out = run_json(capsys, "--layer", "gemm:M=256,N=128,K=256", "--array", "32x32", "--dataflow", "os",
                   "--scalesim-compat", "--clock-ghz", "0.5")
    assert out["cycles"] == 10_175
    assert out["latency_s"] == pytest.approx(10_175 / 0.5e9)


def test_one_off_grouped_and_batched_layer_with_memory(capsys) -> None:
    out = run_json(capsys, "--layer", "conv:H=58,W=58,C=64,K=64,R=3,S=3,groups=64,batch=2",
                   "--array", "16x16", "--dataflow", "WS", "--dram-gb-per-s", "1")
    assert out["macs"] == 2 * 64 * 56 * 56 * 9
    assert out["bound"] == "dram"  # 2 x 64 x 58^2 input bytes over 1 byte per ns
    assert out["latency_s"] >= (2 * 64 * 58 * 58 + 2 * 64 * 56 * 56 + 64 * 9) / 1e9


def test_model_costs_json_table_and_csv(capsys, tmp_path) -> None:
    out = run_json(capsys, "--hardware", "xrbench-4k-K", "--model", "KD_res8_narrow", "--sub", "acc1")
    assert out["sub_accelerator"] == "acc1" and out["dataflow"] == "OS"
    assert len(out["layers"]) == 8
    assert out["latency_s"] == pytest.approx(sum(layer["latency_s"] for layer in out["layers"]))
    assert out["energy_j"] == pytest.approx(sum(layer["energy_j"] for layer in out["layers"]))
    assert out["dram_bytes"] == pytest.approx(sum(layer["dram_bytes"] for layer in out["layers"]))
    path = tmp_path / "kd.csv"
    assert main(["costs", "--hardware", "xrbench-4k-K", "--model", "KD_res8_narrow", "--csv", str(path)]) == 0
    text = capsys.readouterr().out
    assert "conv1" in text and "total: latency" in text and "compute" in text
    rows = list(csv.DictReader(path.read_text().splitlines()))
    assert [r["name"] for r in rows] == [*(f"conv{i}" for i in range(1, 8)), "fc1", "TOTAL"]
    assert {"macs", "cycles", "bound", "utilisation", "energy_j"} <= set(rows[0])


def test_table_backend_gives_totals(capsys) -> None:
    out = run_json(capsys, "--hardware", "xrbench-4k-A", "--model", "ES_RITNet", "--costs", "table")
    # the reference's cost (xrbench_maestro_costs.csv, WS 4096 PEs): 1.503 ms, as in its eval
    # data's VR gaming schedule
    assert out["latency_s"] == pytest.approx(1.503e-3, abs=1e-6)
    assert out["layers"] == []


@pytest.mark.parametrize("argv", [
    ["--layer", "conv:H=5"],
    ["--layer", "conv:H=-3,W=3,C=1,K=1,R=1,S=1"],
    ["--layer", "conv:H=8,W=8,C=4,K=4,R=3,S=3,groups=3"],
    ["--layer", "conv:H=8;W=8"],
    ["--layer", "fft:N=8"],
    ["--layer", "gemm:M=1,N=2,K=3", "--dataflow", "XS"],
    ["--layer", "gemm:M=1,N=2,K=3", "--array", "0x4"],
    ["--layer", "gemm:M=1,N=2,K=3", "--clock-ghz", "-1"],
    ["--hardware", "xrbench-4k-K", "--model", "KD_res8_narrow", "--sub", "acc9"],
    ["--hardware", "xrbench-4k-K"],
    ["--hardware", "xrbench-4k-K", "--model", "KD_res8_narrow", "--costs", "table", "--scalesim-compat"],
])
def test_bad_input_is_one_line_and_exit_2(capsys, argv: list[str]) -> None:
    assert main(["costs", *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("xrsim: error: ") and err.count("\n") == 1


def test_validate_costs_writes_the_comparison_page(capsys, tmp_path) -> None:
    page = tmp_path / "validation.md"
    assert main(["validate-costs", "--out", str(page)]) == 0
    assert "rows compared: 252" in capsys.readouterr().out
    text = page.read_text()
    assert "## Why the two disagree" in text and "Spearman" in text
    table_rows = [line for line in text.splitlines() if line.startswith("| ") and " | WS | " in line]
    assert len(table_rows) == 12 * 7 + 12  # per-size rows and per-model medians


@pytest.mark.parametrize("flag", [["--clock-ghz", "2"], ["--ws-variant", "systolic"]])
def test_table_costs_refuse_overrides_they_would_ignore(flag: list[str],
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["costs", "--hardware", "xrbench-4k-A", "--model", "ES_RITNet", "--costs", "table", *flag]
    assert main(argv) == 2
    assert f"{flag[0]}: has no effect on --costs table" in capsys.readouterr().err


@pytest.mark.parametrize(("argv", "message"), [
    (["--hardware", "xrbench-4k-A", "--model", "GE_FBNet_C", "--dram-gb-per-s", "1"],
     "--dram-gb-per-s: applies to a one-off --layer"),
    (["--hardware", "xrbench-4k-A", "--model", "GE_FBNet_C", "--energy-table", "accelergy-65nm"],
     "--energy-table: applies to a one-off --layer"),
    (["--layer", "gemm:M=2,N=2,K=2", "--model", "GE_FBNet_C"], "--model: give --model or --layer"),
])
def test_options_that_would_be_ignored_are_refused(argv: list[str], message: str,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["costs", *argv]) == 2
    assert message in capsys.readouterr().err


def test_every_layer_kind_on_the_line(capsys) -> None:
    """costs --layer takes every layer kind: 3 heads of a 196 x 64 by 64 x 196 attention
    matmul are 3 x 196 x 196 x 64 = 7,375,872 MACs; pooling and elementwise work has none
    but still takes time."""
    base = ("--array", "32x32", "--dataflow", "OS")
    out = run_json(capsys, "--layer", "attention_matmul:M=196,N=196,K=64,heads=3", *base)
    assert out["macs"] == 7_375_872 and out["latency_s"] > 0
    for layer in ("pool:H=56,W=56,C=64,R=2,S=2,stride=2", "elementwise:elements=200704,operands=2"):
        out = run_json(capsys, "--layer", layer, *base)
        assert out["macs"] == 0 and out["latency_s"] > 0
    assert main(["costs", "--layer", "attention_matmul:M=1,N=1,K=1,R=3"]) == 2
    err = capsys.readouterr().err
    assert "--layer: R: unknown key for attention_matmul; known: M, N, K, heads, batch" in err
    assert main(["costs", "--layer", "lstm:H=3"]) == 2
    assert "KIND one of conv, gemm, attention_matmul, elementwise, pool" in capsys.readouterr().err


def test_costs_show_the_sub_accelerators_area(capsys) -> None:
    out = run_json(capsys, "--hardware", "xrbench-8k-J", "--model", "GE_FBNet_C", "--sub", "acc1")
    assert out["sub_accelerator"] == "acc1" and out["technology_nm"] == 28
    assert out["area"]["area_mm2"] == pytest.approx(sum(v for k, v in out["area"].items() if k != "area_mm2"))
    assert out["leakage_w"] > 0
    assert main(["costs", "--hardware", "xrbench-8k-J", "--model", "GE_FBNet_C"]) == 0
    assert "area at 28 nm:" in capsys.readouterr().out
