"""Each supported ONNX operator becomes the layers it computes; every MAC count below is
worked by hand from the operator's definition."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from onnx import helper

from tests.onnx.graphs import graph_model, save, single, transformer_block, value, weight
from xrsim.errors import SpecError
from xrsim.workload.onnx_import import ImportResult, import_onnx


def imported(tmp_path: Path, model: Any, **kwargs: Any) -> ImportResult:
    return import_onnx(save(model, tmp_path / "m.onnx"), **kwargs)


def layers(result: ImportResult) -> list[dict[str, Any]]:
    return [layer.model_dump(exclude={"name"}, exclude_defaults=True) | {"type": layer.type}
            for layer in result.model.layers]


def test_conv_with_padding_and_stride(tmp_path: Path) -> None:
    model = single("Conv", {"x": [1, 3, 32, 32]}, [1, 16, 16, 16], {"w": [16, 3, 3, 3]},
                   strides=[2, 2], pads=[1, 1, 1, 1])
    result = imported(tmp_path, model)
    assert layers(result) == [{"type": "conv", "H": 32, "W": 32, "C": 3, "K": 16, "R": 3, "S": 3,
                               "stride": 2, "padding": 1}]
    assert result.macs == 16 * 16 * 16 * 3 * 3 * 3  # outputs x (C x R x S)
    assert result.params == 16 * 3 * 3 * 3


def test_grouped_and_depthwise_conv(tmp_path: Path) -> None:
    grouped = imported(tmp_path, single("Conv", {"x": [1, 8, 10, 10]}, [1, 12, 10, 10],
                                        {"w": [12, 2, 3, 3]}, group=4, pads=[1, 1, 1, 1]))
    assert grouped.macs == 12 * 10 * 10 * 2 * 3 * 3  # each output reads C/g = 2 channels
    depthwise = imported(tmp_path, single("Conv", {"x": [1, 32, 8, 8]}, [1, 32, 8, 8],
                                          {"w": [32, 1, 3, 3]}, group=32, pads=[1, 1, 1, 1]))
    (layer,) = depthwise.model.layers
    assert (layer.groups, layer.C, layer.K) == (32, 32, 32)
    assert depthwise.macs == 32 * 8 * 8 * 9


def test_dilated_conv_keeps_its_taps_and_outputs(tmp_path: Path) -> None:
    # dilation 2: a 3x3 kernel spans 5x5; 'same' output needs padding 2
    result = imported(tmp_path, single("Conv", {"x": [1, 4, 16, 16]}, [1, 8, 16, 16], {"w": [8, 4, 3, 3]},
                                       dilations=[2, 2], pads=[2, 2, 2, 2]))
    (layer,) = result.model.layers
    assert (layer.R, layer.S, layer.out_h, layer.out_w) == (3, 3, 16, 16)
    assert result.macs == 8 * 16 * 16 * 4 * 9


def test_asymmetric_padding_and_1d_conv(tmp_path: Path) -> None:
    asym = imported(tmp_path, single("Conv", {"x": [1, 3, 16, 16]}, [1, 4, 8, 8], {"w": [4, 3, 3, 3]},
                                     strides=[2, 2], pads=[0, 0, 1, 1]))
    (layer,) = asym.model.layers
    assert (layer.out_h, layer.out_w) == (8, 8) and asym.macs == 4 * 64 * 27
    conv1d = imported(tmp_path, single("Conv", {"x": [1, 40, 100]}, [1, 64, 98], {"w": [64, 40, 3]}))
    assert layers(conv1d) == [{"type": "conv", "H": 100, "W": 1, "C": 40, "K": 64, "R": 3, "S": 1}]
    assert conv1d.macs == 64 * 98 * 40 * 3


def test_conv_transpose_counts_each_input_pixel_scattered(tmp_path: Path) -> None:
    # stride-2 2x2 upsampling deconvolution: 16 -> 32, weights (C, K/g, R, S)
    result = imported(tmp_path, single("ConvTranspose", {"x": [1, 8, 16, 16]}, [1, 4, 32, 32],
                                       {"w": [8, 4, 2, 2]}, strides=[2, 2]))
    assert result.macs == 8 * 16 * 16 * 4 * 2 * 2  # inputs x (K x R x S)
    assert result.model.layers[0].type == "conv"


def test_gemm_with_weights_and_between_activations(tmp_path: Path) -> None:
    fc = imported(tmp_path, single("Gemm", {"x": [4, 256]}, [4, 10], {"w": [10, 256], "b": [10]}, transB=1))
    assert layers(fc) == [{"type": "gemm", "M": 4, "N": 10, "K": 256}]
    assert fc.params == 10 * 256 + 10
    both = imported(tmp_path, single("Gemm", {"a": [6, 5], "b": [5, 7]}, [6, 7]))
    assert layers(both) == [{"type": "attention_matmul", "M": 6, "N": 7, "K": 5}]


def test_matmul_with_batch_dimensions(tmp_path: Path) -> None:
    linear = imported(tmp_path, single("MatMul", {"x": [1, 10, 32]}, [1, 10, 64], {"w": [32, 64]}))
    assert layers(linear) == [{"type": "gemm", "M": 10, "N": 64, "K": 32}]
    heads = imported(tmp_path, single("MatMul", {"a": [2, 8, 16, 32], "b": [2, 8, 32, 24]}, [2, 8, 16, 24]))
    assert layers(heads) == [{"type": "attention_matmul", "M": 16, "N": 24, "K": 32, "heads": 8, "batch": 2}]
    assert heads.macs == 2 * 8 * 16 * 24 * 32


def test_transformer_block(tmp_path: Path) -> None:
    t, w, h, f = 16, 64, 4, 256
    result = imported(tmp_path, transformer_block(t, w, h, f))
    kinds = [layer.type for layer in result.model.layers]
    assert kinds == ["elementwise", "gemm", "gemm", "gemm", "attention_matmul", "elementwise",
                     "attention_matmul", "gemm", "elementwise", "elementwise", "gemm", "elementwise",
                     "gemm", "elementwise"]
    qkv_out = 4 * t * w * w          # four W x W projections over T tokens
    attention = 2 * t * t * w        # Q.K^T and A.V: T x T x d per head, h heads
    ffn = 2 * t * w * f
    assert result.macs == qkv_out + attention + ffn
    scores = result.model.layers[4]
    assert (scores.M, scores.N, scores.K, scores.heads) == (t, t, w // h, h)
    assert result.data_movement == {"Reshape": 4, "Transpose": 4}
    assert result.params == 4 * w * w + w * f + f * w + 4 * w  # projections, FFN, two norms


@pytest.mark.parametrize(("op", "attrs", "expected"), [
    ("MaxPool", {"kernel_shape": [3, 3], "strides": [2, 2], "pads": [1, 1, 1, 1]},
     {"type": "pool", "H": 16, "W": 16, "C": 8, "R": 3, "S": 3, "stride": 2, "padding": 1}),
    ("AveragePool", {"kernel_shape": [2, 2], "strides": [2, 2]},
     {"type": "pool", "H": 16, "W": 16, "C": 8, "R": 2, "S": 2, "stride": 2}),
])
def test_pools(tmp_path: Path, op: str, attrs: dict[str, Any], expected: dict[str, Any]) -> None:
    result = imported(tmp_path, single(op, {"x": [1, 8, 16, 16]}, [1, 8, 8, 8], **attrs))
    assert layers(result) == [expected] and result.macs == 0


def test_global_pool_and_reductions_read_every_input_once(tmp_path: Path) -> None:
    gap = imported(tmp_path, single("GlobalAveragePool", {"x": [1, 64, 7, 7]}, [1, 64, 1, 1]))
    (layer,) = gap.model.layers
    assert (layer.input_elems, layer.output_elems, layer.vector_ops) == (64 * 49, 64, 64 * 49)
    axes = helper.make_tensor("axes", 7, [1], [-1])
    mean = graph_model([helper.make_node("ReduceMean", ["x", "axes"], ["y"])], [value("x", [1, 10, 32])],
                       [value("y", [1, 10, 1])], [axes], opset=18)
    (layer,) = imported(tmp_path, mean).model.layers
    assert (layer.input_elems, layer.output_elems) == (320, 10)


@pytest.mark.parametrize(("op", "ops"), [("Relu", None), ("Sigmoid", None), ("HardSwish", 3),
                                         ("Softmax", 4)])
def test_unary_elementwise(tmp_path: Path, op: str, ops: int | None) -> None:
    result = imported(tmp_path, single(op, {"x": [1, 8, 4, 4]}, [1, 8, 4, 4]))
    expected = {"type": "elementwise", "elements": 128} | ({"ops_per_element": ops} if ops else {})
    assert layers(result) == [expected]


def test_binary_elementwise_counts_activation_operands(tmp_path: Path) -> None:
    both = imported(tmp_path, single("Add", {"a": [1, 8, 4, 4], "b": [1, 8, 4, 4]}, [1, 8, 4, 4]))
    assert layers(both) == [{"type": "elementwise", "elements": 128, "operands": 2}]
    scale = imported(tmp_path, single("Mul", {"a": [1, 8, 4, 4]}, [1, 8, 4, 4], {"s": [1, 8, 1, 1]}))
    assert layers(scale) == [{"type": "elementwise", "elements": 128}]


def test_batchnorm_folds_into_its_conv_only(tmp_path: Path) -> None:
    bn = ["s", "b", "m", "v"]
    nodes = [helper.make_node("Conv", ["x", "w"], ["c"]),
             helper.make_node("BatchNormalization", ["c", *bn], ["y1"]),
             helper.make_node("Concat", ["x", "y1"], ["cat"], axis=1),
             helper.make_node("BatchNormalization", ["cat", "s2", "b2", "m2", "v2"], ["y"])]
    weights = [weight("w", [4, 4, 1, 1])] + [weight(n, [4]) for n in bn] + [weight(f"{n}2", [8]) for n in bn]
    model = graph_model(nodes, [value("x", [1, 4, 5, 5])], [value("y", [1, 8, 5, 5])], weights)
    result = imported(tmp_path, model)
    assert [layer.type for layer in result.model.layers] == ["conv", "elementwise"]
    assert result.folded == {"BatchNormalization": 1} and result.data_movement == {"Concat": 1}
    assert result.model.layers[1].vector_ops == 8 * 25 * 2


@pytest.mark.parametrize(("mode", "ops"), [("nearest", 1), ("linear", 4)])
def test_resize(tmp_path: Path, mode: str, ops: int) -> None:
    scales = helper.make_tensor("scales", 1, [4], [1.0, 1.0, 2.0, 2.0])
    node = helper.make_node("Resize", ["x", "", "scales"], ["y"], mode=mode)
    model = graph_model([node], [value("x", [1, 3, 8, 8])], [value("y", [1, 3, 16, 16])], [scales])
    (layer,) = imported(tmp_path, model).model.layers
    assert (layer.type, layer.elements, layer.vector_ops) == ("elementwise", 768, 768 * ops)


def test_data_movement_has_no_layer(tmp_path: Path) -> None:
    shape = helper.make_tensor("shape", 7, [2], [1, -1])
    nodes = [helper.make_node("Transpose", ["x"], ["t"], perm=[0, 1, 3, 2]),
             helper.make_node("Flatten", ["t"], ["f"]),
             helper.make_node("Reshape", ["f", "shape"], ["r"]),
             helper.make_node("Relu", ["r"], ["y"])]
    model = graph_model(nodes, [value("x", [1, 2, 3, 4])], [value("y", [1, 24])], [shape])
    result = imported(tmp_path, model)
    assert [layer.type for layer in result.model.layers] == ["elementwise"]
    assert result.data_movement == {"Flatten": 1, "Reshape": 1, "Transpose": 1}


@pytest.mark.parametrize(("op", "gates"), [("LSTM", 4), ("GRU", 3)])
@pytest.mark.parametrize("direction", ["forward", "bidirectional"])
def test_recurrent_layers_are_gemms_per_time_step(tmp_path: Path, op: str, gates: int,
                                                   direction: str) -> None:
    seq, batch, inp, hidden = 5, 2, 12, 8
    dirs = 2 if direction == "bidirectional" else 1
    node = helper.make_node(op, ["x", "W", "R"], ["y"], hidden_size=hidden, direction=direction)
    weights = [weight("W", [dirs, gates * hidden, inp]), weight("R", [dirs, gates * hidden, hidden])]
    model = graph_model([node], [value("x", [seq, batch, inp])], [value("y", [seq, dirs, batch, hidden])],
                        weights)
    result = imported(tmp_path, model)
    gemms = [layer for layer in result.model.layers if layer.type == "gemm"]
    assert len(gemms) == dirs * seq
    first = gemms[0]
    assert (batch, gates * hidden, inp + hidden) == (first.M, first.N, first.K)
    assert result.macs == dirs * seq * batch * gates * hidden * (inp + hidden)


def test_layer_names_stay_unique_when_a_node_is_named_like_another_nodes_step(tmp_path: Path) -> None:
    seq, batch, inp, hidden = 2, 1, 4, 4
    nodes = [helper.make_node("LSTM", ["x", "W", "R"], ["y"], hidden_size=hidden, name="rnn"),
             helper.make_node("Relu", ["y"], ["z"], name="rnn.t0.gates"),
             helper.make_node("Relu", ["z"], ["u"], name="rnn.t0.gates")]
    model = graph_model(nodes, [value("x", [seq, batch, inp])], [value("u", [seq, 1, batch, hidden])],
                        [weight("W", [1, 4 * hidden, inp]), weight("R", [1, 4 * hidden, hidden])])
    assert [layer.name for layer in imported(tmp_path, model).model.layers] == [
        "rnn.t0.gemm", "rnn.t0.gates", "rnn.t1.gemm", "rnn.t1.gates", "rnn.t0.gates_2", "rnn.t0.gates_3"]


def test_unsupported_operators_are_named_and_counted(tmp_path: Path) -> None:
    nodes = [helper.make_node("Relu", ["x"], ["r"]),
             helper.make_node("Hardmax", ["r"], ["h"]),
             helper.make_node("Hardmax", ["h"], ["y1"]),
             helper.make_node("Det", ["x"], ["y2"])]
    model = graph_model(nodes, [value("x", [4, 4])], [value("y1", [4, 4]), value("y2", [])])
    path = save(model, tmp_path / "m.onnx")
    with pytest.raises(SpecError, match=r"unsupported operators: Det \(1\), Hardmax \(2\)"):
        import_onnx(path)
    result = import_onnx(path, allow_unsupported=True)
    assert result.unsupported == {"Hardmax": 2, "Det": 1}
    assert result.summary()["unsupported"] == [{"op": "Det", "count": 1}, {"op": "Hardmax", "count": 2}]
    assert [layer.type for layer in result.model.layers] == ["elementwise"]


def test_a_3d_convolution_is_unsupported(tmp_path: Path) -> None:
    model = single("Conv", {"x": [1, 2, 4, 8, 8]}, [1, 4, 2, 6, 6], {"w": [4, 2, 3, 3, 3]})
    with pytest.raises(SpecError, match=r"Conv \(3-D\) \(1\)"):
        imported(tmp_path, model)


def test_dynamic_dimension_needs_an_input_shape(tmp_path: Path) -> None:
    model = single("Conv", {"x": ["batch", 3, 8, 8]}, ["batch", 4, 6, 6], {"w": [4, 3, 3, 3]})
    path = save(model, tmp_path / "m.onnx")
    with pytest.raises(SpecError, match=r"dynamic input dimension\(s\): give every size with "
                                        rf"`python -m xrsim import-onnx {path} --input x=1x3x8x8`"):
        import_onnx(path)
    assert import_onnx(path, inputs={"x": (2, 3, 8, 8)}).macs == 2 * 4 * 36 * 27
    with pytest.raises(SpecError, match="the graph has no input 'y'"):
        import_onnx(path, inputs={"y": (1, 3, 8, 8)})
    with pytest.raises(SpecError, match="the input has 4 dimensions, got 2"):
        import_onnx(path, inputs={"x": (1, 3)})


def test_every_dynamic_input_is_named_at_once(tmp_path: Path) -> None:
    model = single("Add", {"a": ["n", 3, "H", "W"], "b": ["n", 3, "H", "W"]}, ["n", 3, "H", "W"])
    path = save(model, tmp_path / "m.onnx")
    with pytest.raises(SpecError, match=r"--input a=1x3x<H>x<W> --input b=1x3x<H>x<W>`"):
        import_onnx(path)


def test_a_fixed_reshape_that_no_longer_holds_its_input_is_refused(tmp_path: Path) -> None:
    """A classifier exported at 8 x 8 flattens to a fixed [1, 256]; imported at 16 x 16 its
    FC layer would silently keep K = 256."""
    shape = helper.make_tensor("shape", 7, [2], [1, 256])
    nodes = [helper.make_node("Reshape", ["x", "shape"], ["f"]),
             helper.make_node("Gemm", ["f", "w"], ["y"], transB=1)]
    model = graph_model(nodes, [value("x", [1, 4, 8, 8])], [value("y", [1, 10])],
                        [shape, weight("w", [10, 256])])
    path = save(model, tmp_path / "m.onnx")
    assert import_onnx(path).macs == 2560
    with pytest.raises(SpecError, match=r"reshapes 1,024 elements into a fixed shape \[1, 256\] of 256"):
        import_onnx(path, inputs={"x": (1, 4, 16, 16)})


def test_strided_1d_conv_keeps_its_input_and_stride(tmp_path: Path) -> None:
    result = imported(tmp_path, single("Conv", {"x": [1, 8, 100]}, [1, 16, 49], {"w": [16, 8, 4]},
                                       strides=[2]))
    assert layers(result) == [{"type": "conv", "H": 100, "W": 1, "C": 8, "K": 16, "R": 4, "S": 1,
                               "stride": 2}]


def test_shape_arithmetic_is_folded_not_costed(tmp_path: Path) -> None:
    """PyTorch exports compute reshape targets from Shape: Gather, Mul, Concat on integers."""
    idx = helper.make_tensor("idx", 7, [1], [1])
    two = helper.make_tensor("two", 7, [1], [2])
    nodes = [helper.make_node("Shape", ["x"], ["s"]),
             helper.make_node("Gather", ["s", "idx"], ["c"], axis=0),
             helper.make_node("Mul", ["c", "two"], ["c2"]),
             helper.make_node("Concat", ["c2"], ["target"], axis=0),
             helper.make_node("Reshape", ["x", "target"], ["r"]),
             helper.make_node("Relu", ["r"], ["y"])]
    model = graph_model(nodes, [value("x", [2, 8])], [value("y", [16])], [idx, two])
    result = imported(tmp_path, model)
    assert [layer.type for layer in result.model.layers] == ["elementwise"]
    assert result.folded == {"constants": 4} and result.data_movement == {"Reshape": 1}


def test_quantised_operators(tmp_path: Path) -> None:
    """A QDQ / QLinear model: the int8 convolution and matmul are costed, their weights found
    after the scales and zero points; the (de)quantise markers are folded."""
    scalars = [helper.make_tensor(n, 1, [], [1.0]) for n in ("xs", "ws", "ys")]
    zeros = [helper.make_tensor(n, 3, [], [0]) for n in ("xz", "wz", "yz")]
    w = helper.make_tensor("w", 3, [4, 3, 3, 3], [0] * 108)
    nodes = [helper.make_node("QuantizeLinear", ["x", "xs", "xz"], ["xq"]),
             helper.make_node("QLinearConv", ["xq", "xs", "xz", "w", "ws", "wz", "ys", "yz"], ["yq"]),
             helper.make_node("DequantizeLinear", ["yq", "ys", "yz"], ["y"])]
    model = graph_model(nodes, [value("x", [1, 3, 8, 8])], [value("y", [1, 4, 6, 6])],
                        [*scalars, *zeros, w])
    result = imported(tmp_path, model)
    assert layers(result) == [{"type": "conv", "H": 8, "W": 8, "C": 3, "K": 4, "R": 3, "S": 3}]
    assert result.folded == {"QuantizeLinear": 1, "DequantizeLinear": 1}


def test_an_unknown_shape_after_a_data_dependent_operator(tmp_path: Path) -> None:
    nodes = [helper.make_node("NonZero", ["x"], ["nz"]),
             helper.make_node("Cast", ["nz"], ["f"], to=1),
             helper.make_node("MatMul", ["f", "w"], ["y"])]
    model = graph_model(nodes, [value("x", [4, 4])], [value("y", [2, "n"])], [weight("w", [8, 8])])
    path = save(model, tmp_path / "m.onnx")
    with pytest.raises(SpecError, match=r"unknown after ONNX shape inference: it depends on the data") as err:
        import_onnx(path)
    assert str(err.value).count("unknown after") == 1
    with pytest.raises(SpecError, match=r"nothing|no operator"):  # only unsupported work remains
        import_onnx(path, allow_unsupported=True)


def test_external_weights_are_never_needed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import numpy as np
    import onnx
    from onnx import numpy_helper

    w = numpy_helper.from_array(np.zeros((16, 3, 3, 3), dtype=np.float32), "w")
    model = graph_model([helper.make_node("Conv", ["x", "w"], ["y"])], [value("x", [1, 3, 8, 8])],
                        [value("y", [1, 16, 6, 6])], [w])
    folder = tmp_path / "net"
    folder.mkdir()
    onnx.save(model, str(folder / "e.onnx"), save_as_external_data=True, location="e.data", size_threshold=0)
    monkeypatch.chdir(tmp_path)  # not the model's folder
    assert import_onnx(folder / "e.onnx").macs == 16 * 36 * 27
    (folder / "e.data").unlink()  # and not even there
    result = import_onnx(folder / "e.onnx")
    assert result.macs == 16 * 36 * 27 and result.params == 16 * 27
