"""Small ONNX graphs built with onnx.helper, for the importer's tests: one node (or a few)
with known shapes, so a test can state the layers and MACs it expects by hand."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import onnx
from onnx import TensorProto, helper

F = TensorProto.FLOAT


def value(name: str, shape: list[int | str]) -> onnx.ValueInfoProto:
    return helper.make_tensor_value_info(name, F, shape)


def weight(name: str, shape: list[int]) -> onnx.TensorProto:
    """A weight given by its shape only (no data): as an initializer with zero-filled data,
    since the importer must never need the values."""
    size = 1
    for d in shape:
        size *= d
    return helper.make_tensor(name, F, shape, [0.0] * size)


def graph_model(nodes: list[onnx.NodeProto], inputs: list[onnx.ValueInfoProto],
                outputs: list[onnx.ValueInfoProto], weights: list[onnx.TensorProto] = (),
                opset: int = 17) -> onnx.ModelProto:
    graph = helper.make_graph(nodes, "g", inputs, outputs, initializer=list(weights))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 8
    return model


def save(model: onnx.ModelProto, path: Path) -> Path:
    onnx.save(model, str(path))
    return path


def single(op: str, inputs: dict[str, list[int | str]], output: list[int | str],
           weights: dict[str, list[int]] | None = None, **attrs: Any) -> onnx.ModelProto:
    """One node of ``op`` reading ``inputs`` (activations) then ``weights``, writing 'y'."""
    weights = weights or {}
    node = helper.make_node(op, [*inputs, *weights], ["y"], name="n", **attrs)
    return graph_model([node], [value(n, s) for n, s in inputs.items()], [value("y", output)],
                       [weight(n, s) for n, s in weights.items()])


def transformer_block(tokens: int, width: int, heads: int, ffn: int) -> onnx.ModelProto:
    """A pre-norm transformer encoder block as exporters write it: LayerNorm, Q/K/V
    projections (MatMul with weights), heads split by Reshape/Transpose, Q.K^T, softmax, .V,
    output projection, residual Add; LayerNorm, FFN (MatMul, Gelu, MatMul), residual Add."""
    d = width // heads
    n: list[onnx.NodeProto] = []
    w: list[onnx.TensorProto] = [weight("ln1_s", [width]), weight("ln1_b", [width]),
                                 weight("ln2_s", [width]), weight("ln2_b", [width])]
    shape_heads = helper.make_tensor("shape_heads", TensorProto.INT64, [4], [1, tokens, heads, d])
    shape_back = helper.make_tensor("shape_back", TensorProto.INT64, [3], [1, tokens, width])
    w += [shape_heads, shape_back]
    n.append(helper.make_node("LayerNormalization", ["x", "ln1_s", "ln1_b"], ["h"], axis=-1))
    for p in "qkv":
        w.append(weight(f"w{p}", [width, width]))
        n.append(helper.make_node("MatMul", ["h", f"w{p}"], [f"{p}0"]))
        n.append(helper.make_node("Reshape", [f"{p}0", "shape_heads"], [f"{p}1"]))
        perm = [0, 2, 3, 1] if p == "k" else [0, 2, 1, 3]
        n.append(helper.make_node("Transpose", [f"{p}1"], [f"{p}2"], perm=perm))
    n.append(helper.make_node("MatMul", ["q2", "k2"], ["scores"]))
    n.append(helper.make_node("Softmax", ["scores"], ["probs"], axis=-1))
    n.append(helper.make_node("MatMul", ["probs", "v2"], ["ctx0"]))
    n.append(helper.make_node("Transpose", ["ctx0"], ["ctx1"], perm=[0, 2, 1, 3]))
    n.append(helper.make_node("Reshape", ["ctx1", "shape_back"], ["ctx"]))
    w.append(weight("wo", [width, width]))
    n.append(helper.make_node("MatMul", ["ctx", "wo"], ["attn"]))
    n.append(helper.make_node("Add", ["x", "attn"], ["r1"]))
    n.append(helper.make_node("LayerNormalization", ["r1", "ln2_s", "ln2_b"], ["h2"], axis=-1))
    w += [weight("w1", [width, ffn]), weight("w2", [ffn, width])]
    n.append(helper.make_node("MatMul", ["h2", "w1"], ["f1"]))
    n.append(helper.make_node("Gelu", ["f1"], ["f2"]))
    n.append(helper.make_node("MatMul", ["f2", "w2"], ["f3"]))
    n.append(helper.make_node("Add", ["r1", "f3"], ["y"]))
    return graph_model(n, [value("x", [1, tokens, width])], [value("y", [1, tokens, width])], w, opset=20)
