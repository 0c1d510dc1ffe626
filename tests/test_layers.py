"""Layer specs know their MACs and operand sizes; checked against hand calculations."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xrsim.workload.layers import (
    AttentionMatmulLayer,
    ConvLayer,
    ElementwiseLayer,
    GemmLayer,
    LoopNest,
    PoolLayer,
)


def test_reference_encoding_conv() -> None:
    """XRBench's ES_RITNet conv1: N1 K32 C32 Y160 X100 R3 S3 -> 158 x 98 outputs and
    142,700,544 MACs (workloads.json `macs_valid_conv` of that layer)."""
    layer = ConvLayer(name="conv1", H=160, W=100, C=32, K=32, R=3, S=3)
    assert (layer.out_h, layer.out_w) == (158, 98)
    assert layer.macs == 142_700_544
    assert layer.weight_elems == 32 * 32 * 9
    assert layer.input_elems == 32 * 160 * 100
    assert layer.output_elems == 32 * 158 * 98


def test_empty_reference_layer_has_no_macs() -> None:
    """A filter larger than its input (R > Y), as a few reference layers have: 0 MACs."""
    layer = ConvLayer(name="d", H=2, W=2, C=8, K=8, R=3, S=3, empty=True)
    assert layer.macs == 0 and layer.output_elems == 0 and layer.vector_ops == 0


@pytest.mark.parametrize(("cls", "fields", "needle"), [
    # 8 + 2 * 0 < 11: no output row; padding 2 gives (8 + 4 - 11) + 1 = 2
    (ConvLayer, {"H": 8, "W": 8, "C": 3, "K": 8, "R": 11, "S": 11},
     "its 11 x 11 filter does not fit its 8 x 8 input with padding 0"),
    # only the width is short: ceil((5 - 3) / 2) = 1
    (ConvLayer, {"H": 8, "W": 3, "C": 3, "K": 8, "R": 3, "S": 5, "padding": 0}, "padding >= 1"),
    (ConvLayer, {"H": 4, "W": 4, "C": 3, "K": 8, "R": 9, "S": 9, "padding": 1}, "padding >= 3"),
    (PoolLayer, {"H": 2, "W": 2, "C": 8, "R": 3, "S": 3}, "its 3 x 3 pool window does not fit"),
])
def test_a_window_larger_than_its_input_is_refused(cls: type, fields: dict, needle: str) -> None:
    with pytest.raises(ValueError, match="layer 'x'") as info:
        cls(name="x", **fields)
    assert needle in str(info.value) and "'empty: true'" in str(info.value)


def test_the_padding_asked_for_is_enough() -> None:
    """The padding the message suggests makes the layer valid: 4 + 2 * 3 - 9 + 1 = 2 rows."""
    assert ConvLayer(name="x", H=4, W=4, C=3, K=8, R=9, S=9, padding=3).out_h == 2


def test_empty_flag_on_a_layer_with_outputs_is_refused() -> None:
    with pytest.raises(ValueError, match="says 'empty: true' but has 6 x 6 outputs"):
        ConvLayer(name="x", H=8, W=8, C=3, K=8, R=3, S=3, empty=True)
    with pytest.raises(ValueError, match="says 'empty: true' but has 4 x 4 outputs"):
        PoolLayer(name="x", H=8, W=8, C=3, R=2, S=2, empty=True)


def test_strided_padded_conv() -> None:
    """AlexNet CONV1 as SCALE-Sim takes it: 224^2 input, 11x11, stride 4 -> 54^2 outputs
    (ceil((224 - 11 + 4) / 4) = 54); with padding 2 on 224: (228 - 11) // 4 + 1 = 55."""
    c1 = ConvLayer(name="c1", H=224, W=224, C=3, K=96, R=11, S=11, stride=4)
    assert c1.out_h == 54
    assert c1.macs == 54 * 54 * 11 * 11 * 3 * 96
    padded = ConvLayer(name="c1p", H=224, W=224, C=3, K=96, R=11, S=11, stride=4, padding=2)
    assert padded.out_h == 55


def test_depthwise_is_exact() -> None:
    """3x3 depthwise on 56^2 x 64 channels, padding 1: 64 * 56^2 * 9 MACs, not 64x that."""
    dw = ConvLayer(name="dw", H=56, W=56, C=64, K=64, R=3, S=3, padding=1, groups=64)
    assert dw.macs == 64 * 56 * 56 * 9
    assert dw.weight_elems == 64 * 9
    assert dw.loop_nest() == LoopNest(G=64, N=1, K=1, C=1, P=56, Q=56, R=3, S=3, U=1)


def test_grouped_conv_loop_nest() -> None:
    """AlexNet CONV2 (2 groups): K256 C96 5x5 on 31^2 (27^2 + pad) -> 27^2; per group
    C = 48, K = 128; batch 4 gives the Eyeriss table's 895,795,200 MACs."""
    conv2 = ConvLayer(name="c2", H=31, W=31, C=96, K=256, R=5, S=5, groups=2, batch=4)
    nest = conv2.loop_nest()
    assert (nest.G, nest.K, nest.C, nest.P) == (2, 128, 48, 27)
    assert conv2.macs == 895_795_200


def test_gemm_and_attention() -> None:
    fc = GemmLayer(name="fc", M=1, N=1000, K=512)
    assert fc.macs == 512_000 and fc.weight_elems == 512_000 and fc.output_elems == 1000
    qk = AttentionMatmulLayer(name="qk", M=196, N=196, K=64, heads=3)
    assert qk.macs == 3 * 196 * 196 * 64
    assert qk.weight_elems == 0  # both operands are activations
    assert qk.input_elems == 3 * (196 * 64 + 64 * 196)
    nest = qk.loop_nest()
    assert nest.weights_stationary is False and nest.G == 3 and nest.macs == qk.macs


def test_vector_layers() -> None:
    pool = PoolLayer(name="p", H=56, W=56, C=64, R=2, S=2)
    assert (pool.out_h, pool.macs, pool.vector_ops) == (28, 0, 64 * 28 * 28 * 4)
    add = ElementwiseLayer(name="add", elements=1000, operands=2)
    assert (add.input_elems, add.output_elems, add.vector_ops) == (2000, 1000, 1000)


def test_specs_are_frozen() -> None:
    layer = GemmLayer(name="fc", M=1, N=2, K=3)
    with pytest.raises(Exception, match="frozen"):
        layer.M = 5  # type: ignore[misc]


@given(st.integers(1, 2**14), st.integers(1, 2**14), st.integers(1, 2**12), st.integers(1, 2**12),
       st.integers(1, 7), st.integers(0, 3), st.integers(1, 64))
@settings(max_examples=200, deadline=None)
def test_the_size_limit_is_refused_exactly_when_a_count_reaches_it(
        h: int, w: int, c: int, k: int, r: int, padding: int, batch: int) -> None:
    """The validator's cheap bound only skips the exact counts when they are surely small:
    a layer is refused if and only if one of its counts reaches 2^53."""
    from pydantic import ValidationError

    from xrsim.workload.layers import EXACT_LIMIT

    fields = {"name": "x", "H": h, "W": w, "C": c, "K": k, "R": r, "S": r, "padding": padding,
              "batch": batch, "empty": False}
    raw = ConvLayer.model_construct(**fields)  # no validation: the counts as they are
    if not (raw.out_h and raw.out_w):
        return  # refused for its window, another check
    largest = max(raw.macs, raw.weight_elems, raw.input_elems, raw.output_elems)
    try:
        ConvLayer(**fields)
        refused = False
    except ValidationError as exc:
        assert "too large" in str(exc)
        refused = True
    assert refused == (largest >= EXACT_LIMIT)
