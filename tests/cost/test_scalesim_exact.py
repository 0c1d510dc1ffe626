"""Systolic compute cycles against SCALE-Sim v2, exactly (Samajdar et al.,
ISPASS 2020; scale-sim-v2 in CALC mode: 30 stall-free runs on a 32 x 32 array with 64 KB
SRAMs, and its test/golden_trace of AlexNet CONV1)."""

from __future__ import annotations

import json

import pytest

from tests.builders import analytical_costs, layer_model
from xrsim.cli import main
from xrsim.cost.analytical.scalesim import scalesim_extent
from xrsim.cost.analytical.shapes import layer_shapes
from xrsim.cost.analytical.systolic import systolic_counts


def conv(h: int, r: int, c: int, k: int, stride: int = 1) -> dict:
    size = scalesim_extent(h, r, stride)  # SCALE-Sim's output count, partial window included
    return {"type": "conv", "H": size, "W": size, "C": c, "K": k, "R": r, "S": r, "stride": stride}


def gemm(m: int, n: int, k: int) -> dict:
    # SCALE-Sim's GEMM M, N, K: an M x K input, N filters of K weights
    return {"type": "gemm", "M": m, "N": n, "K": k}


ALEX = {1: conv(224, 11, 3, 96, 4), 2: conv(27, 5, 96, 256), 3: conv(13, 3, 256, 384),
        4: conv(13, 3, 384, 384), 5: conv(13, 3, 384, 256)}
QKT, AV = gemm(196, 196, 64), gemm(196, 64, 196)

# (layer, dataflow, SCALE-Sim v2 cycles) - 30 runs of scale-sim-v2, CALC mode, 32 x 32
CASES = [
    (ALEX[1], "WS", 112_283), (ALEX[2], "OS", 334_831), (ALEX[3], "OS", 113_567),
    (ALEX[4], "OS", 168_863), (ALEX[5], "OS", 112_575), (ALEX[2], "WS", 373_799),
    (ALEX[3], "WS", 185_759), (ALEX[4], "WS", 278_639), (ALEX[5], "WS", 185_759),
    (ALEX[2], "IS", 446_249), (ALEX[3], "IS", 137_663), (ALEX[4], "IS", 206_495),
    (ALEX[5], "IS", 151_199),
    (gemm(256, 128, 256), "OS", 10_175), (gemm(256, 128, 256), "WS", 11_199),
    (gemm(256, 128, 256), "IS", 14_207),
    (gemm(64, 64, 64), "OS", 503), (gemm(64, 64, 64), "IS", 631), (gemm(64, 64, 64), "WS", 631),
    (gemm(1, 1000, 512), "OS", 18_367), (gemm(1, 1000, 512), "IS", 17_503),
    (gemm(1, 1000, 512), "WS", 48_639),
    (conv(58, 3, 1, 1), "WS", 3_229),  # one channel of a depthwise layer (SCALE-Sim's DP)
    (conv(56, 1, 64, 128), "WS", 25_839),
    (QKT, "OS", 6_173), (QKT, "WS", 4_059), (QKT, "IS", 4_059),
    (AV, "OS", 3_611), (AV, "WS", 4_059), (AV, "IS", 7_741),
]


def test_the_table_has_all_thirty_cases() -> None:
    assert len(CASES) == 30


@pytest.mark.parametrize(("layer", "dataflow", "expected"), CASES)
def test_compute_cycles_match_scalesim(layer: dict, dataflow: str, expected: int) -> None:
    result = analytical_costs([layer], compat=True, dataflow=dataflow, array=(32, 32), num_pes=1024)
    assert int(result.compute_cycles[0]) == expected


def test_alexnet_conv1_golden_counters() -> None:
    # SCALE-Sim v2's test/golden_trace (WS 32 x 32):
    # 112,283 cycles; SRAM reads IFMAP 3,294,225, filter 34,848; OFMAP writes 3,484,800;
    # mapping efficiency 94.53125 %; overall utilisation 91.683 %.
    shapes = layer_shapes(layer_model(ALEX[1]))
    counts = systolic_counts(shapes, "WS", 32, 32, compat=True)
    assert int(counts.cycles[0]) == 112_283
    assert int(counts.ifmap_reads[0]) == 3_294_225
    assert int(counts.filter_reads[0]) == 34_848
    assert int(counts.ofmap_writes[0]) == 3_484_800
    assert counts.mapping_efficiency[0] == 0.9453125
    assert shapes.macs[0] / (counts.cycles[0] * 1024) == pytest.approx(0.91683, abs=5e-6)


def test_gemm_os_sram_counts_match_v3_golden() -> None:
    # SCALE-Sim v2's SRAM counts: GEMM 256 x 128 x 256, OS, 32 x 32 -> reads 262,144 /
    # 262,144, writes 34,816 (SCALE-Sim v3 golden; 32,768 outputs + 32 folds x 64 quirk)
    counts = systolic_counts(layer_shapes(layer_model(gemm(256, 128, 256))), "OS", 32, 32, compat=True)
    assert (int(counts.ifmap_reads[0]), int(counts.filter_reads[0]), int(counts.ofmap_writes[0])) == (
        262_144, 262_144, 34_816)


def test_depthwise_as_groups_is_the_sum_of_scalesim_channel_layers() -> None:
    # SCALE-Sim emulates a depthwise layer as one single-channel layer per channel ('DP');
    # 32 channels of the 3 x 3 on 58^2 case cost 32 x 3,229 cycles there.
    dw = {**conv(58, 3, 32, 32), "groups": 32}
    result = analytical_costs([dw], compat=True, dataflow="WS", array=(32, 32))
    assert int(result.compute_cycles[0]) == 32 * 3_229


def test_attention_heads_cost_one_gemm_each() -> None:
    # 12 heads of the Q.K^T case (section 3.5: 4,059 cycles on WS) are 12 independent GEMMs
    att = {"type": "attention_matmul", "M": 196, "N": 196, "K": 64, "heads": 12}
    result = analytical_costs([att], compat=True, dataflow="WS", array=(32, 32))
    assert int(result.compute_cycles[0]) == 12 * 4_059


def test_os_paper_form_adds_one_array_height_per_fold() -> None:
    # SCALE-Sim paper: OS folds take 2Ar + Ac + T - 2 (scale-sim-v3 issue #4); the code
    # Ar + Ac + T - 2. GEMM 64^3 on 32 x 32: 4 full folds -> 4 x (64 + 32 + 64 - 2) = 632.
    shapes = layer_shapes(layer_model(gemm(64, 64, 64)))
    paper = systolic_counts(shapes, "OS", 32, 32, compat=False)
    assert int(paper.cycles[0]) == 4 * (2 * 32 + 32 + 64 - 2)
    code = systolic_counts(shapes, "OS", 32, 32, compat=True)
    assert int(code.cycles[0]) == 503


def test_partial_folds_pay_only_used_rows_outside_compat() -> None:
    # GEMV M1 N1000 K512 WS on 32 x 32 (Sr 512, Sc 1000, T 1): 16 row folds of 32 rows,
    # 32 column folds of 31 full + one of 8 columns. Sum of (2 r + c - 2 + T) over folds:
    # 2 x 512 x 32 + 1000 x 16 + 512 x (1 - 2) = 32,768 + 16,000 - 512 = 48,256.
    counts = systolic_counts(layer_shapes(layer_model(gemm(1, 1000, 512))), "WS", 32, 32)
    assert int(counts.cycles[0]) == 48_256
    assert counts.cycles[0] < 48_639  # SCALE-Sim charges the full 32 columns to the last fold


@pytest.mark.parametrize(("dataflow", "code", "paper"), [
    # SCALE-Sim's paper (Samajdar et al., arXiv 1811.02883): per-fold cycles are 2Ar + Ac + T - 2 for every
    # dataflow; SCALE-Sim's OS code omits one Ar. GEMM 64x64x64 on 32x32: 4 folds, so the
    # paper's OS total is the code's 503 + 4 x 32 = 631 - the WS and IS figure (631), which
    # the paper switch leaves alone.
    ("OS", 503, 631),
    ("WS", 631, 631),
    ("IS", 631, 631),
])
def test_paper_form_adds_ar_per_os_fold(dataflow: str, code: int, paper: int,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    layer = ["costs", "--layer", "gemm:M=64,N=64,K=64", "--array", "32x32", "--dataflow", dataflow,
             "--json"]
    assert main([*layer, "--scalesim-compat"]) == 0
    assert json.loads(capsys.readouterr().out)["cycles"] == code
    assert main([*layer, "--scalesim-paper"]) == 0
    assert json.loads(capsys.readouterr().out)["cycles"] == paper
