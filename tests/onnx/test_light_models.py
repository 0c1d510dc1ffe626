"""The small model files the onnx wheel ships (standard ImageNet networks whose weights are
ConstantOfShape nodes, not initializers) all import, with exact MAC counts.

The independent count below reads the ONNX graph directly - output elements times the
multiply-accumulates per output of each Conv and Gemm - and shares no code with the
importer. Published figures bound it from outside.
"""

from __future__ import annotations

import math
from pathlib import Path

import onnx
import pytest
from onnx import shape_inference

from xrsim.workload.onnx_import import import_onnx

LIGHT = Path(onnx.__file__).parent / "backend" / "test" / "data" / "light"
FILES = sorted(LIGHT.glob("*.onnx"))

PUBLISHED_MACS = {
    # Sze, Chen, Yang, Emer, "Efficient Processing of Deep Neural Networks: A Tutorial and
    # Survey", Proc. IEEE 2017, table of CNN models: 724 M MACs at its 227 x 227 input.
    ("light_bvlc_alexnet", (1, 3, 227, 227)): 724e6,
    # the same table: GoogLeNet (Inception v1) 1.43 G MACs
    ("light_inception_v1", None): 1.43e9,
    # He, Zhang, Ren, Sun, "Deep Residual Learning for Image Recognition", CVPR 2016, sec. 4.1:
    # VGG-19 has 19.6 billion FLOPs (multiply-adds)
    ("light_vgg19", None): 19.6e9,
    # torchvision's model documentation (pytorch.org/vision/stable/models), "GFLOPS" column,
    # which counts multiply-accumulates: ResNet-50 4.09, DenseNet-121 2.83, SqueezeNet 1.1 0.35
    ("light_resnet50", None): 4.09e9,
    ("light_densenet121", None): 2.83e9,
    ("light_squeezenet", None): 0.35e9,
}


def test_the_wheel_ships_the_nine_light_models() -> None:
    assert [f.stem for f in FILES] == [
        "light_bvlc_alexnet", "light_densenet121", "light_inception_v1", "light_inception_v2",
        "light_resnet50", "light_shufflenet", "light_squeezenet", "light_vgg19", "light_zfnet512"]


def independent_macs(path: Path, input_shape: tuple[int, ...] | None = None) -> int:
    model = onnx.load(str(path), load_external_data=False)
    if input_shape:
        dims = model.graph.input[0].type.tensor_type.shape.dim
        for d, size in zip(dims, input_shape, strict=True):
            d.dim_value = size
    model = shape_inference.infer_shapes(model, data_prop=True)
    shapes = {v.name: [d.dim_value for d in v.type.tensor_type.shape.dim]
              for v in [*model.graph.value_info, *model.graph.input, *model.graph.output]}
    total = 0
    for node in model.graph.node:
        attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
        if node.op_type == "Conv":
            w = shapes[node.input[1]]  # K x C/groups x R x S: each output reads C/groups x R x S
            total += math.prod(shapes[node.output[0]]) * math.prod(w[1:])
        elif node.op_type == "Gemm":
            a = shapes[node.input[0]]
            k = a[0] if attrs.get("transA") else a[1]
            total += math.prod(shapes[node.output[0]]) * k
        else:
            assert node.op_type not in ("MatMul", "ConvTranspose", "LSTM", "GRU")  # none in these files
    return total


def input_name(path: Path) -> str:
    initializers = {t.name for t in onnx.load(str(path), load_external_data=False).graph.initializer}
    return next(i.name for i in onnx.load(str(path)).graph.input if i.name not in initializers)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_light_model_imports_with_the_independent_mac_count(path: Path) -> None:
    result = import_onnx(path)
    assert result.unsupported == {}
    assert result.macs == independent_macs(path)
    assert result.macs > 0 and len(result.model.layers) > 5


@pytest.mark.parametrize(("key", "published"), list(PUBLISHED_MACS.items()),
                         ids=[name for name, _ in PUBLISHED_MACS])
def test_light_model_within_two_percent_of_the_published_count(
        key: tuple[str, tuple[int, ...] | None], published: float) -> None:
    name, shape = key
    path = LIGHT / f"{name}.onnx"
    inputs = {input_name(path): shape} if shape else {}
    macs = import_onnx(path, inputs=inputs).macs
    assert macs == independent_macs(path, shape)
    assert abs(macs / published - 1) < 0.02, f"{name}: {macs:,} MACs against {published:,.0f} published"
