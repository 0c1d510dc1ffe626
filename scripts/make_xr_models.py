"""Build modern XR networks the XRBench suite lacks as ONNX graphs from their published
architectures, then import them with xrsim's ONNX importer into workloads/models/.

- MobileNetV3-Small 1.0 at 224 x 224 (Howard et al., "Searching for MobileNetV3",
  ICCV 2019, Table 2): on-device vision, 56 M multiply-adds in the paper's Table 3.
- DeiT-Tiny, a ViT with 16 x 16 patches at 224 x 224 (Touvron et al., "Training
  data-efficient image transformers & distillation through attention", ICML 2021,
  Table 1): scene understanding, 1.3 GFLOPs (multiply-adds) in that table.

Weights are ConstantOfShape nodes (shapes, no values), as in the onnx wheel's light
models, so the files stay small and the importer never needs weight data.

    python scripts/make_xr_models.py [--out workloads/models] [--onnx-out experiments/byo_network]

The ONNX files are kept in experiments/byo_network/, where a scenario names them directly.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import onnx
from onnx import TensorProto, helper

from xrsim.workload.onnx_import import import_onnx, model_yaml

ROOT = Path(__file__).resolve().parent.parent


class GraphBuilder:
    """Appends nodes to a graph; weights are ConstantOfShape nodes of the given shape."""

    def __init__(self) -> None:
        self.nodes: list[onnx.NodeProto] = []
        self.constants: list[onnx.TensorProto] = []
        self.count = 0

    def fresh(self, stem: str) -> str:
        self.count += 1
        return f"{stem}_{self.count}"

    def weight(self, shape: list[int]) -> str:
        name = self.fresh("w")
        shape_name = name + "_shape"
        self.constants.append(helper.make_tensor(shape_name, TensorProto.INT64, [len(shape)], shape))
        self.nodes.append(helper.make_node("ConstantOfShape", [shape_name], [name],
                                           value=helper.make_tensor("v", TensorProto.FLOAT, [1], [0.01])))
        return name

    def ints(self, values: list[int]) -> str:
        name = self.fresh("c")
        self.constants.append(helper.make_tensor(name, TensorProto.INT64, [len(values)], values))
        return name

    def op(self, op_type: str, inputs: list[str], name: str | None = None, **attrs: object) -> str:
        out = self.fresh(op_type.lower())
        self.nodes.append(helper.make_node(op_type, inputs, [out], name=name or out, **attrs))
        return out

    def model(self, name: str, x: onnx.ValueInfoProto, y: str, opset: int = 20) -> onnx.ModelProto:
        graph = helper.make_graph(self.nodes, name, [x],
                                  [helper.make_tensor_value_info(y, TensorProto.FLOAT, [1, 1000])],
                                  initializer=self.constants)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
        model.ir_version = 9
        return model


def _conv_bn(g: GraphBuilder, x: str, c_in: int, c_out: int, k: int, stride: int, groups: int = 1,
             act: str | None = None) -> str:
    """Conv (no bias), BatchNormalization (folded by the importer), then the activation."""
    w = g.weight([c_out, c_in // groups, k, k])
    p = k // 2
    y = g.op("Conv", [x, w], kernel_shape=[k, k], strides=[stride, stride], pads=[p, p, p, p], group=groups)
    y = g.op("BatchNormalization", [y, *(g.weight([c_out]) for _ in range(4))])
    return g.op(act, [y]) if act else y


def _make_divisible(v: float, divisor: int = 8) -> int:
    """Channel counts rounded as the MobileNet papers' reference code rounds them."""
    new = max(divisor, int(v + divisor / 2) // divisor * divisor)
    return new + divisor if new < 0.9 * v else new


# MobileNetV3-Small's bottlenecks, Table 2: (kernel, expansion, out, SE, activation, stride)
MOBILENET_V3_SMALL = [
    (3, 16, 16, True, "Relu", 2),
    (3, 72, 24, False, "Relu", 2),
    (3, 88, 24, False, "Relu", 1),
    (5, 96, 40, True, "HardSwish", 2),
    (5, 240, 40, True, "HardSwish", 1),
    (5, 240, 40, True, "HardSwish", 1),
    (5, 120, 48, True, "HardSwish", 1),
    (5, 144, 48, True, "HardSwish", 1),
    (5, 288, 96, True, "HardSwish", 2),
    (5, 576, 96, True, "HardSwish", 1),
    (5, 576, 96, True, "HardSwish", 1),
]


def mobilenet_v3_small() -> onnx.ModelProto:
    g = GraphBuilder()
    x = _conv_bn(g, "image", 3, 16, 3, 2, act="HardSwish")
    c = 16
    for k, exp, out, se, act, stride in MOBILENET_V3_SMALL:
        y = _conv_bn(g, x, c, exp, 1, 1, act=act) if exp != c else x
        y = _conv_bn(g, y, exp, exp, k, stride, groups=exp, act=act)
        if se:  # squeeze-and-excite: pool, FC down (ReLU), FC up (hard sigmoid), rescale
            squeeze = _make_divisible(exp // 4)
            s = g.op("GlobalAveragePool", [y])
            s = g.op("Relu", [g.op("Conv", [s, g.weight([squeeze, exp, 1, 1]), g.weight([squeeze])])])
            s = g.op("HardSigmoid", [g.op("Conv", [s, g.weight([exp, squeeze, 1, 1]), g.weight([exp])])])
            y = g.op("Mul", [y, s])
        y = _conv_bn(g, y, exp, out, 1, 1)
        x = g.op("Add", [x, y]) if stride == 1 and c == out else y
        c = out
    x = _conv_bn(g, x, c, 576, 1, 1, act="HardSwish")
    x = g.op("Flatten", [g.op("GlobalAveragePool", [x])])
    x = g.op("HardSwish", [g.op("Gemm", [x, g.weight([1024, 576]), g.weight([1024])], transB=1)])
    x = g.op("Gemm", [x, g.weight([1000, 1024]), g.weight([1000])], transB=1)
    image = helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 3, 224, 224])
    return g.model("MobileNetV3_Small", image, x)


def deit_tiny(depth: int = 12, width: int = 192, heads: int = 3, mlp: int = 768, patch: int = 16,
              size: int = 224) -> onnx.ModelProto:
    g = GraphBuilder()
    grid = size // patch
    tokens = grid * grid + 1  # patches and the class token
    d = width // heads
    x = g.op("Conv", ["image", g.weight([width, 3, patch, patch]), g.weight([width])],
             kernel_shape=[patch, patch], strides=[patch, patch], name="patch_embed")
    x = g.op("Transpose", [g.op("Reshape", [x, g.ints([1, width, grid * grid])])], perm=[0, 2, 1])
    x = g.op("Concat", [g.weight([1, 1, width]), x], axis=1)
    x = g.op("Add", [x, g.weight([1, tokens, width])], name="pos_embed")
    for i in range(depth):
        h = g.op("LayerNormalization", [x, g.weight([width]), g.weight([width])], axis=-1)
        split = []
        for p in "qkv":
            y = g.op("MatMul", [h, g.weight([width, width])], name=f"block{i}.{p}")
            y = g.op("Add", [y, g.weight([width])])
            y = g.op("Reshape", [y, g.ints([1, tokens, heads, d])])
            split.append(g.op("Transpose", [y], perm=[0, 2, 3, 1] if p == "k" else [0, 2, 1, 3]))
        q, k, v = split
        a = g.op("MatMul", [q, k], name=f"block{i}.scores")
        a = g.op("Softmax", [g.op("Mul", [a, g.weight([1])])], axis=-1)
        a = g.op("MatMul", [a, v], name=f"block{i}.context")
        a = g.op("Reshape", [g.op("Transpose", [a], perm=[0, 2, 1, 3]), g.ints([1, tokens, width])])
        a = g.op("Add", [g.op("MatMul", [a, g.weight([width, width])], name=f"block{i}.proj"),
                         g.weight([width])])
        x = g.op("Add", [x, a])
        h = g.op("LayerNormalization", [x, g.weight([width]), g.weight([width])], axis=-1)
        h = g.op("Gelu", [g.op("Add", [g.op("MatMul", [h, g.weight([width, mlp])], name=f"block{i}.fc1"),
                                       g.weight([mlp])])])
        h = g.op("MatMul", [h, g.weight([mlp, width])], name=f"block{i}.fc2")
        h = g.op("Add", [h, g.weight([width])])
        x = g.op("Add", [x, h])
    x = g.op("LayerNormalization", [x, g.weight([width]), g.weight([width])], axis=-1)
    cls = g.op("Squeeze", [g.op("Slice", [x, g.ints([0]), g.ints([1]), g.ints([1])]), g.ints([1])])
    y = g.op("Gemm", [cls, g.weight([1000, width]), g.weight([1000])], transB=1, name="head")
    image = helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 3, size, size])
    return g.model("DeiT_Tiny", image, y)


NETWORKS = {
    "OC_MobileNetV3_Small": ("image classification", mobilenet_v3_small,
                             "Howard et al., Searching for MobileNetV3, ICCV 2019, Table 2 "
                             "(MobileNetV3-Small 1.0, 224 x 224)"),
    "SU_DeiT_Tiny": ("scene understanding", deit_tiny,
                     "Touvron et al., Training data-efficient image transformers, ICML 2021, "
                     "Table 1 (DeiT-Ti, 224 x 224, 16 x 16 patches)"),
}


def build(out: Path, onnx_out: Path) -> list[Path]:
    """Write each network as ONNX into ``onnx_out`` and its model spec into ``out``;
    return the files written."""
    written = []
    onnx_out.mkdir(parents=True, exist_ok=True)
    for name, (task, make, source) in NETWORKS.items():
        onnx_path = onnx_out / f"{name}.onnx"
        onnx.save(make(), str(onnx_path))
        result = import_onnx(onnx_path, name=name, task=task,
                             source=f"{source}; built by scripts/make_xr_models.py")
        text = model_yaml(result, f"Generated by scripts/make_xr_models.py ({result.macs:,} MACs); "
                                  "do not edit.")
        path = out / f"{name}.yaml"
        path.write_text(text)
        written += [onnx_path, path]
        print(f"{name}: {len(result.model.layers)} layers, {result.macs:,} MACs, "
              f"{result.params:,} parameters -> {path}")
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "workloads" / "models")
    parser.add_argument("--onnx-out", type=Path, default=ROOT / "experiments" / "byo_network")
    args = parser.parse_args()
    build(args.out, args.onnx_out)


if __name__ == "__main__":
    main()
