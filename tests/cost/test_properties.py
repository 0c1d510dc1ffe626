"""Invariants of the analytical model over random layers and arrays (hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tests.builders import analytical_costs, layer_model
from xrsim.cost.analytical.shapes import layer_shapes
from xrsim.cost.analytical.systolic import systolic_counts

FAST = settings(max_examples=60, deadline=None)
small = st.integers(1, 48)


@st.composite
def mac_layers(draw: st.DrawFn) -> dict:
    kind = draw(st.sampled_from(["conv", "depthwise", "grouped", "gemm", "attention"]))
    if kind == "gemm":
        return {"type": "gemm", "M": draw(st.integers(1, 300)), "N": draw(st.integers(1, 300)),
                "K": draw(st.integers(1, 300))}
    if kind == "attention":
        return {"type": "attention_matmul", "M": draw(st.integers(1, 200)), "N": draw(st.integers(1, 200)),
                "K": draw(st.integers(1, 96)), "heads": draw(st.integers(1, 8))}
    r = draw(st.integers(1, 7))
    g = draw(st.integers(1, 8))
    c = g if kind == "depthwise" else g * draw(small)
    k = c if kind == "depthwise" else (g if kind == "grouped" else 1) * draw(small)
    groups = g if kind in ("depthwise", "grouped") else 1
    h = draw(st.integers(r, 64))
    return {"type": "conv", "H": h, "W": h, "C": c, "K": k, "R": r, "S": r, "groups": groups,
            "stride": draw(st.integers(1, 3)), "batch": draw(st.integers(1, 2))}


dataflows = st.sampled_from([("WS", "systolic"), ("WS", "nvdla"), ("OS", "systolic"),
                             ("IS", "systolic"), ("RS", "systolic")])
arrays = st.tuples(st.integers(1, 64), st.integers(1, 64))


def hardware(flow: tuple[str, str], array: tuple[int, int], **extra: object) -> dict:
    return {"dataflow": flow[0], "ws_variant": flow[1], "array": array, "num_pes": array[0] * array[1],
            **extra}


@FAST
@given(mac_layers(), dataflows, arrays, st.booleans(), st.floats(0.2, 2.0))
def test_latency_at_least_macs_over_pes(layer: dict, flow, array, compat: bool, ghz: float) -> None:
    result = analytical_costs([layer], compat=compat, clock_ghz=ghz, **hardware(flow, array))
    floor_cycles = result.macs[0] / (array[0] * array[1])
    if compat and flow[0] != "RS":
        # SCALE-Sim reports the 0-based index of the last write: one cycle less per group
        # (channel-layer), which on a 1 x 1 OS array (fill 0) is below MACs / PEs.
        floor_cycles -= layer_model(layer).layers[0].loop_nest().G
    assert result.latency_s[0] >= floor_cycles / (ghz * 1e9) * (1 - 1e-12)
    assert result.utilisation[0] >= 0.0
    if not compat:
        assert result.utilisation[0] <= 1.0


@FAST
@given(mac_layers(), dataflows, arrays, st.floats(0.5, 500.0), st.floats(1.0, 512.0))
def test_latency_at_least_compulsory_dram_time(layer: dict, flow, array, gbps: float, kib: float) -> None:
    result = analytical_costs([layer], dram_gb_per_s=gbps, global_buffer_kib=kib, **hardware(flow, array))
    m = layer_model(layer).layers[0]
    compulsory = m.weight_elems + m.input_elems + m.output_elems
    if m.macs == 0:
        compulsory = 0
    assert result.latency_s[0] >= compulsory / (gbps * 1e9) * (1 - 1e-12)
    assert result.dram_bytes[0] >= compulsory


@FAST
@given(mac_layers(), dataflows, arrays, st.floats(0.25, 64.0), st.floats(1.0, 8.0))
def test_energy_grows_with_dram_traffic(layer: dict, flow, array, kib: float, shrink: float) -> None:
    # a smaller global buffer moves more (never fewer) bytes to DRAM, and costs more energy
    big = analytical_costs([layer], global_buffer_kib=kib * shrink, dram_gb_per_s=16, **hardware(flow, array))
    small_buf = analytical_costs([layer], global_buffer_kib=kib, dram_gb_per_s=16, **hardware(flow, array))
    assert small_buf.dram_bytes[0] >= big.dram_bytes[0]
    assert small_buf.energy_j[0] >= big.energy_j[0] * (1 - 1e-12)
    if small_buf.dram_bytes[0] > big.dram_bytes[0]:
        assert small_buf.energy_j[0] > big.energy_j[0]


@FAST
@given(mac_layers(), st.sampled_from(["WS", "OS", "IS"]), st.sampled_from(["systolic", "nvdla"]),
       arrays, st.integers(0, 32), st.integers(0, 32))
def test_more_pes_never_slower_in_the_systolic_forms(layer: dict, flow: str, variant: str, array,
                                                      more_rows: int, more_cols: int) -> None:
    shapes = layer_shapes(layer_model(layer))
    rows, cols = array
    small_arr = systolic_counts(shapes, flow, rows, cols, ws_variant=variant)
    large_arr = systolic_counts(shapes, flow, rows + more_rows, cols + more_cols, ws_variant=variant)
    assert large_arr.cycles[0] <= small_arr.cycles[0]
    assert large_arr.glb_accesses[0] <= small_arr.glb_accesses[0]
    # Whole latency too: compute, NoC and vector terms never grow with the array. Only the
    # first and last tiles' DRAM transfers may (a larger fold needs more data before it
    # starts): at most 3 one-byte words per PE over single_sub_system's 1e6 GB/s link.
    hw = {"dataflow": flow, "ws_variant": variant}
    large_pes = (rows + more_rows) * (cols + more_cols)
    small = analytical_costs([layer], array=array, num_pes=rows * cols, **hw)
    large = analytical_costs([layer], array=(rows + more_rows, cols + more_cols), num_pes=large_pes, **hw)
    tile_slack_s = 3 * large_pes / 1e15
    assert large.latency_s[0] <= small.latency_s[0] * (1 + 1e-12) + tile_slack_s


@FAST
@given(st.integers(1, 7), st.integers(1, 64), st.integers(1, 96), arrays, st.booleans())
def test_depthwise_ws_utilisation_bounded_as_scalesim(r: int, c: int, extra: int, array,
                                                      compat: bool) -> None:
    # one channel per group maps Sc = 1 filter column: at most R*S of the Ar*Ac PEs work
    # (SCALE-Sim: 0.85 % for 3 x 3 on 32 x 32)
    h = r + extra
    layer = {"type": "conv", "H": h, "W": h, "C": c, "K": c, "R": r, "S": r, "groups": c}
    result = analytical_costs([layer], compat=compat, **hardware(("WS", "systolic"), array))
    pes = array[0] * array[1]
    compute_util = result.macs[0] / (result.compute_cycles[0] * pes)
    assert compute_util <= r * r / pes + 1e-12
    assert result.utilisation[0] <= compute_util + 1e-12


def test_depthwise_3x3_on_32x32_utilisation_is_scalesims() -> None:
    # scale-sim-v2, CALC mode: DP 3x3 on 58^2, 3,136 outputs x 9 MACs in 3,229 cycles on 1024 PEs
    layer = {"type": "conv", "H": 58, "W": 58, "C": 1, "K": 1, "R": 3, "S": 3}
    result = analytical_costs([layer], compat=True, dataflow="WS", array=(32, 32))
    assert result.macs[0] / (result.compute_cycles[0] * 1024) == np.float64(3136 * 9 / (3229 * 1024))
    assert round(100 * 3136 * 9 / (3229 * 1024), 2) == 0.85


def test_rs_buffer_too_small_for_any_tile_is_not_cheaper() -> None:
    """Hypothesis found it: 54 x 54, 6 x 6 filter, stride 3 on RS. With a 2 KiB buffer
    (1,024 words per half) 3-row strips fit: 6 strips x 36 weights + 2,916 x 6 x 12 / 54
    input words + 289 outputs = 4,393 bytes. With 1 KiB no tile fits, and the fallback to
    the generic model (weights resident, everything once: 3,241) made it cheaper. Now the
    smallest tile (1 output row: 6 input rows, 17 strips) is charged: 17 x 36 + 2,916 x 17
    x 6 / 54 + 289 = 612 + 5,508 + 289 = 6,409."""
    layer = {"type": "conv", "H": 54, "W": 54, "C": 1, "K": 1, "R": 6, "S": 6, "stride": 3}
    rs = {"dataflow": "RS", "array": (1, 1), "dram_gb_per_s": 16}
    small, big = (analytical_costs([layer], global_buffer_kib=kib, **rs).dram_bytes[0] for kib in (1.0, 2.0))
    assert (small, big) == (6409, 4393)


# Found by hand: on RS with a 0.5 KiB buffer this 6 x 6 x 3 layer moved 630 bytes alone and
# 549 beside a 512-channel layer, whose size let the tile search try one-channel blocks.
SMALL_C3 = {"type": "conv", "H": 6, "W": 6, "C": 3, "K": 3, "R": 3, "S": 3, "batch": 3}
WIDE_C512 = {"type": "conv", "H": 300, "W": 300, "C": 512, "K": 8, "R": 3, "S": 3, "batch": 64}


@FAST
@given(mac_layers(), mac_layers(), dataflows, arrays, st.floats(0.5, 64.0))
@example(SMALL_C3, WIDE_C512, ("RS", "systolic"), (12, 14), 0.5)
def test_a_layer_costs_the_same_in_any_model(layer: dict, other: dict, flow, array, kib: float) -> None:
    """Costs are vectorised over a model's layers; no layer's result may depend on the others."""
    hw = hardware(flow, array, global_buffer_kib=kib, dram_gb_per_s=16)
    alone, beside = analytical_costs([layer], **hw), analytical_costs([layer, other], **hw)
    for field in ("latency_s", "energy_j", "dram_bytes", "compute_cycles"):
        assert getattr(alone, field)[0] == getattr(beside, field)[0], field
