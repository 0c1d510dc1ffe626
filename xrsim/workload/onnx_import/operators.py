"""ONNX operators as xrsim layers: what each computes, in the shapes shape inference gave.

Every translator returns plain layer dicts (the model spec's YAML form). MAC counts are
exact; where a layer kind cannot say an operator's geometry directly (dilation,
asymmetric padding, a transposed convolution), the encoding keeps the MACs and the
outputs and approximates the input size - see docs/onnx_import.md.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from xrsim.errors import SpecError
from xrsim.workload.onnx_import.graph import Graph, node_label

LayerDict = dict[str, Any]
Translator = Callable[[Graph, Any, str], list[LayerDict]]

DATA_MOVEMENT = frozenset({
    "Concat", "Reshape", "Transpose", "Flatten", "Squeeze", "Unsqueeze", "Identity", "Dropout",
    "Split", "Slice", "Gather", "Pad", "Expand", "Tile", "Cast", "CastLike", "DepthToSpace",
    "SpaceToDepth",
})
"""No arithmetic: views, copies and re-layouts. Zero MACs; they become no layer (an
accelerator writes a concatenation's parts in place; the analytical model has no term for
an on-chip re-layout)."""

QUANTISATION = frozenset({"QuantizeLinear", "DequantizeLinear"})
"""A quantised (QDQ) model's markers: an int8 datapath (re)quantises in its output stage,
so they are folded, like a batch norm into its convolution."""

WEIGHT_INPUT = {"QLinearConv": 3, "QLinearMatMul": 3}
"""Where the second operand (a convolution's weights, a matmul's B) is, if not input 1:
the quantised forms put scales and zero points between."""

NOT_WEIGHTS = frozenset({"Resize", "Upsample", "Clip", "Pad"})
"""Operators whose constant inputs are scales, bounds or sizes, not parameters."""

ELEMENTWISE_OPS: dict[str, int] = {
    # one vector operation per output element
    **dict.fromkeys((
        "Add", "Sub", "Mul", "Div", "Max", "Min", "Relu", "LeakyRelu", "PRelu", "Neg", "Abs",
        "Clip", "Sigmoid", "Tanh", "Exp", "Log", "Sqrt", "Reciprocal", "Pow", "Erf", "Floor",
        "Ceil", "Round", "Sign", "Where", "Equal", "Less", "Greater", "LessOrEqual",
        "GreaterOrEqual", "Not", "And", "Or", "Elu", "Selu", "Celu", "Softplus", "Softsign",
        "ThresholdedRelu", "Mod", "Sin", "Cos"), 1),
    # composites, counted as the primitive operations they are made of
    "HardSigmoid": 2,           # scale-and-shift, clip
    "HardSwish": 3,             # scale-and-shift, clip, multiply
    "Mish": 3,                  # softplus, tanh, multiply
    "Gelu": 4,                  # erf form: divide, erf, add, multiply (and the half)
    "BatchNormalization": 2,    # unfolded: scale and shift
    "InstanceNormalization": 5,  # mean, variance, subtract, scale, shift
    "LayerNormalization": 5,    # the same over the last axes
    "GroupNormalization": 5,
    "Softmax": 4,               # max, subtract-and-exp, sum, divide
    "LogSoftmax": 4,
}
"""Elementwise operators and the vector operations each does per output element."""

RESIZE_OPS = {"nearest": 1, "linear": 4, "cubic": 16}
"""Vector operations per output element of a 2-D resize: the taps it reads."""

REDUCE_OPS = frozenset({"ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd",
                        "ReduceL1", "ReduceL2", "ReduceSumSquare", "ReduceLogSumExp",
                        "GlobalAveragePool", "GlobalMaxPool", "ArgMax", "ArgMin"})

RECURRENT_GATES = {"LSTM": 4, "GRU": 3, "RNN": 1}
RECURRENT_VECTOR_OPS = {"LSTM": 12, "GRU": 9, "RNN": 2}
"""Per hidden unit and time step, beside the GEMM: bias adds, gate activations and the
state update (LSTM: 4 bias adds, 3 sigmoids, 2 tanh, 3 multiply/adds)."""


class Unsupported(Exception):
    """An operator, or an operator's form, that has no layer kind: listed, not fatal."""

    def __init__(self, label: str) -> None:
        self.label = label
        super().__init__(label)


def attr(node: Any, name: str, default: Any = None) -> Any:
    """An attribute's value (ints, floats, strings decoded), or ``default``."""
    for a in node.attribute:
        if a.name == name:
            if a.type == 1:
                return a.f
            if a.type == 2:
                return a.i
            if a.type == 3:
                return a.s.decode()
            if a.type == 6:
                return list(a.floats)
            if a.type == 7:
                return list(a.ints)
            return default
    return default


def _activations(graph: Graph, node: Any) -> list[str]:
    return [i for i in node.input if i and not graph.is_constant(i)]


def _spatial(graph: Graph, node: Any, tensor: str) -> tuple[int, int, int, int]:
    """(N, C, H, W) of a 1-D or 2-D feature map (a 1-D one has W = 1)."""
    shape = graph.shape(tensor, node)
    if len(shape) == 3:
        return shape[0], shape[1], shape[2], 1
    if len(shape) == 4:
        return shape[0], shape[1], shape[2], shape[3]
    raise Unsupported(f"{node.op_type} ({len(shape) - 2}-D)")


def _window(node: Any, kernel: tuple[int, int], spatial_dims: int) -> tuple[list[int], list[int], list[int]]:
    """Strides, pads (top, left, bottom, right) and dilations, padded out to 2-D."""
    strides = list(attr(node, "strides", None) or [1] * spatial_dims)
    dilations = list(attr(node, "dilations", None) or [1] * spatial_dims)
    pads = list(attr(node, "pads", None) or [0] * (2 * spatial_dims))
    if spatial_dims == 1:  # W = S = 1: one output across, whatever the stride
        strides, dilations, pads = [strides[0]] * 2, [dilations[0], 1], [pads[0], 0, pads[1], 0]
    return strides, pads, dilations


def _geometry(h: int, w: int, out: tuple[int, int], kernel: tuple[int, int],
              strides: list[int], pads: list[int], dilations: list[int]) -> dict[str, int]:
    """H, W, stride and padding of the layer that has these outputs with this kernel.

    The operator's own input is kept when a single symmetric padding and stride give its
    outputs (the common case). Otherwise (dilation, asymmetric or 'SAME' padding, unequal
    strides, ceil mode) the layer is the same kernel over the input window its outputs read,
    unpadded: MACs and outputs exact, the input size approximate.
    """
    (r, s), (p, q) = kernel, out
    if (dilations == [1, 1] and strides[0] == strides[1] and len(set(pads)) == 1
            and (h + 2 * pads[0] - r) // strides[0] + 1 == p
            and (w + 2 * pads[0] - s) // strides[0] + 1 == q):
        return {"H": h, "W": w, "stride": strides[0], "padding": pads[0]}
    stride = strides[0] if strides[0] == strides[1] else 1
    return {"H": (p - 1) * stride + r, "W": (q - 1) * stride + s, "stride": stride, "padding": 0}


def _fit_window(layer: LayerDict) -> LayerDict:
    """Drop defaults, for short model files."""
    if layer.get("stride") == 1:
        del layer["stride"]
    if layer.get("padding") == 0:
        del layer["padding"]
    if layer.get("batch") == 1:
        del layer["batch"]
    if layer.get("groups") == 1:
        del layer["groups"]
    return layer


def conv(graph: Graph, node: Any, name: str) -> list[LayerDict]:
    n, c, h, w = _spatial(graph, node, node.input[0])
    weight = graph.shape(node.input[WEIGHT_INPUT.get(node.op_type, 1)], node)
    _, k, p, q = _spatial(graph, node, node.output[0])
    groups = int(attr(node, "group", 1))
    r, s = weight[2], (weight[3] if len(weight) == 4 else 1)
    strides, pads, dilations = _window(node, (r, s), len(weight) - 2)
    geometry = _geometry(h, w, (p, q), (r, s), strides, pads, dilations)
    return [_fit_window({"name": name, "type": "conv", **_hw(geometry), "C": c, "K": k, "R": r, "S": s,
                         "stride": geometry["stride"], "padding": geometry["padding"],
                         "groups": groups, "batch": n})]


def _hw(geometry: dict[str, int]) -> dict[str, int]:
    return {"H": geometry["H"], "W": geometry["W"]}


def conv_transpose(graph: Graph, node: Any, name: str) -> list[LayerDict]:
    """Each input pixel scatters an R x S x K/g patch: the same MACs as a stride-1 convolution
    with K/g x C/g filters producing one output per input pixel, which is the encoding."""
    n, c, h, w = _spatial(graph, node, node.input[0])
    weight = graph.shape(node.input[1], node)
    groups = int(attr(node, "group", 1))
    k = weight[1] * groups
    r, s = weight[2], (weight[3] if len(weight) == 4 else 1)
    return [_fit_window({"name": name, "type": "conv", "H": h + r - 1, "W": w + s - 1, "C": c, "K": k,
                         "R": r, "S": s, "groups": groups, "batch": n})]


def _matmul_layer(name: str, m: int, n: int, k: int, batch_dims: tuple[int, ...],
                  a_const: bool, b_const: bool) -> LayerDict:
    """A product of (.. x M x K) and (.. x K x N): a GEMM when one side is a weight, an
    attention matmul (both operands activations) otherwise."""
    batch = math.prod(batch_dims)
    if b_const:
        return {"name": name, "type": "gemm", "M": batch * m, "N": n, "K": k}
    if a_const:  # W . X = (X^T . W^T)^T: the weight on the right
        return {"name": name, "type": "gemm", "M": batch * n, "N": m, "K": k}
    heads = batch_dims[-1] if batch_dims else 1
    outer = batch // heads
    layer: LayerDict = {"name": name, "type": "attention_matmul", "M": m, "N": n, "K": k}
    if heads > 1:
        layer["heads"] = heads
    if outer > 1:
        layer["batch"] = outer
    return layer


def gemm(graph: Graph, node: Any, name: str) -> list[LayerDict]:
    a = graph.shape(node.input[0], node)
    b = graph.shape(node.input[1], node)
    m, k = (a[1], a[0]) if attr(node, "transA", 0) else (a[0], a[1])
    n = b[0] if attr(node, "transB", 0) else b[1]
    return [_matmul_layer(name, m, n, k, (), graph.is_constant(node.input[0]),
                          graph.is_constant(node.input[1]))]


def matmul(graph: Graph, node: Any, name: str) -> list[LayerDict]:
    b_input = node.input[WEIGHT_INPUT.get(node.op_type, 1)]
    a = graph.shape(node.input[0], node)
    b = graph.shape(b_input, node)
    out = graph.shape(node.output[0], node)
    k = a[-1]
    m = a[-2] if len(a) >= 2 else 1
    n = b[-1] if len(b) >= 2 else 1
    batch_dims = out[:-2] if len(a) >= 2 and len(b) >= 2 else out[:-1]
    return [_matmul_layer(name, m, n, k, tuple(batch_dims), graph.is_constant(node.input[0]),
                          graph.is_constant(b_input))]


def pool(graph: Graph, node: Any, name: str) -> list[LayerDict]:
    n, c, h, w = _spatial(graph, node, node.input[0])
    _, _, p, q = _spatial(graph, node, node.output[0])
    kernel = list(attr(node, "kernel_shape"))
    r, s = kernel[0], (kernel[1] if len(kernel) == 2 else 1)
    strides, pads, dilations = _window(node, (r, s), len(kernel))
    geometry = _geometry(h, w, (p, q), (r, s), strides, pads, dilations)
    layer = {"name": name, "type": "pool", **_hw(geometry), "C": c, "R": r, "S": s,
             "stride": geometry["stride"], "padding": geometry["padding"], "batch": n}
    layer = _fit_window(layer)
    layer["stride"] = geometry["stride"]  # a pool's default stride is its window, not 1
    return [layer]


def reduce(graph: Graph, node: Any, name: str) -> list[LayerDict]:
    """A reduction (global pooling, ReduceMean of a layer norm, ...) as a pool whose window
    is everything one output reads: inputs, outputs and operations exact."""
    inputs = graph.numel(node.input[0], node)
    outputs = max(1, graph.numel(node.output[0], node))
    window = inputs // outputs
    return [{"name": name, "type": "pool", "H": window, "W": 1, "C": outputs, "R": window, "S": 1,
             "stride": window}]


def elementwise(graph: Graph, node: Any, name: str) -> list[LayerDict]:
    operands = max(1, len(_activations(graph, node)))
    ops = ELEMENTWISE_OPS.get(node.op_type, 1)
    if node.op_type in ("Sum", "Mean", "Max", "Min"):
        ops = max(1, len([i for i in node.input if i]) - 1)
    if node.op_type == "LRN":
        ops = int(attr(node, "size", 1)) + 2  # squares summed over 'size' channels, power, divide
    if node.op_type in ("Resize", "Upsample"):
        ops = RESIZE_OPS.get(str(attr(node, "mode", "nearest")), 1)
    layer: LayerDict = {"name": name, "type": "elementwise",
                        "elements": graph.numel(node.output[0], node)}
    if operands > 1:
        layer["operands"] = operands
    if ops > 1:
        layer["ops_per_element"] = ops
    return [layer]


def recurrent(graph: Graph, node: Any, name: str) -> list[LayerDict]:
    """LSTM, GRU and RNN as what runs at each time step: one GEMM of [x_t, h_(t-1)] with the
    stacked gate weights, then the gates' vector work; one step after the other."""
    x = graph.shape(node.input[0], node)
    seq, batch = (x[1], x[0]) if attr(node, "layout", 0) else (x[0], x[1])
    hidden = int(attr(node, "hidden_size", 0)) or graph.shape(node.input[2], node)[-1]
    directions = 2 if attr(node, "direction", "forward") == "bidirectional" else 1
    gates = RECURRENT_GATES[node.op_type]
    layers: list[LayerDict] = []
    for d in range(directions):
        for t in range(seq):
            step = f"{name}.d{d}.t{t}" if directions > 1 else f"{name}.t{t}"
            layers.append({"name": f"{step}.gemm", "type": "gemm", "M": batch, "N": gates * hidden,
                           "K": x[2] + hidden})
            layers.append({"name": f"{step}.gates", "type": "elementwise", "elements": batch * hidden,
                           "operands": gates, "ops_per_element": RECURRENT_VECTOR_OPS[node.op_type]})
    return layers


TRANSLATORS: dict[str, Translator] = {
    "Conv": conv,
    "ConvInteger": conv,
    "QLinearConv": conv,
    "ConvTranspose": conv_transpose,
    "Gemm": gemm,
    "MatMul": matmul,
    "MatMulInteger": matmul,
    "QLinearMatMul": matmul,
    "MaxPool": pool,
    "AveragePool": pool,
    "LpPool": pool,
    **dict.fromkeys(REDUCE_OPS, reduce),
    **dict.fromkeys([*ELEMENTWISE_OPS, "Sum", "Mean", "LRN", "Resize", "Upsample"], elementwise),
    **dict.fromkeys(RECURRENT_GATES, recurrent),
}
"""Every operator that becomes layers, by ONNX op type."""

FOLDS_INTO = frozenset({"Conv", "ConvInteger", "QLinearConv", "ConvTranspose", "Gemm"})
"""Producers a following BatchNormalization is folded into (its scale and shift become the
weights' and the bias's)."""


def translate(graph: Graph, node: Any, name: str) -> list[LayerDict]:
    """The layers of one node; Unsupported for an operator (or a form of one) without them."""
    translator = TRANSLATORS.get(node.op_type)
    if translator is None:
        raise Unsupported(node.op_type)
    try:
        return translator(graph, node, name)
    except SpecError:
        raise
    except (IndexError, TypeError, ValueError, ZeroDivisionError) as exc:
        raise SpecError(graph.path, node_label(node), f"cannot read its shapes or attributes ({exc})") \
            from None
