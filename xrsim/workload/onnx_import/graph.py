"""An ONNX graph read for its shapes: loaded without weight data, shapes inferred, every
tensor's shape and whether it is a constant (a weight) known by name.

Shapes come from ONNX shape inference and from tensor metadata only (an initializer's
``dims``), never from weight values: model-zoo files often keep weights external or build
them at run time (``ConstantOfShape``), which is what breaks parsers that read initializers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xrsim.errors import SpecError

CONSTANT_OPS = frozenset({"Constant", "ConstantOfShape", "Shape", "Size"})
"""Operators whose outputs are known before the network runs: weights made from nothing,
and (the input shapes being static) shapes and sizes."""

FLOAT_TYPES = frozenset({1, 10, 11, 16})
"""ONNX element types that hold weights: float32, float16, double, bfloat16."""


def onnx_module() -> Any:
    """The ``onnx`` package, or a SpecError saying how to get it (it is an optional extra)."""
    try:
        import onnx
    except ImportError:
        raise SpecError(None, None, "importing ONNX needs the 'onnx' package: pip install -e "
                                    "'.[onnx]' in a checkout of xrsim, or pip install onnx") from None
    return onnx


def parse_input_shape(text: str) -> tuple[str, tuple[int, ...]]:
    """``NAME=1x3x224x224`` -> ("NAME", (1, 3, 224, 224)), for ``--input``."""
    name, sep, dims = text.rpartition("=")
    try:
        shape = tuple(int(d) for d in dims.lower().split("x"))
    except ValueError:
        shape = ()
    if not sep or not name or not shape or min(shape) < 1:
        raise SpecError("--input", None, f"expected NAME=DxDx... with positive sizes "
                                         f"(e.g. input=1x3x224x224), got {text!r}")
    return name, shape


class UnknownShape(SpecError):
    """A shape the importer needs that shape inference could not give (it depends on data)."""


@dataclass(frozen=True)
class Graph:
    """A shape-inferred ONNX graph: its nodes, every tensor's shape and element type, the
    constant tensors, how many nodes read each tensor and which node writes it."""

    path: Path
    nodes: tuple[Any, ...]
    shapes: Mapping[str, tuple[int, ...]]
    dtypes: Mapping[str, int]
    constants: frozenset[str]
    readers: Mapping[str, int]
    producers: Mapping[str, Any]
    outputs: frozenset[str]

    def shape(self, tensor: str, node: Any) -> tuple[int, ...]:
        """The tensor's static shape, or UnknownShape naming the node that needs it."""
        if tensor not in self.shapes:
            raise UnknownShape(self.path, node_label(node),
                               f"the shape of tensor '{tensor}' is unknown after ONNX shape inference: "
                               "it depends on the data (after an operator such as NonMaxSuppression "
                               "or NonZero), which xrsim cannot cost")
        return self.shapes[tensor]

    def numel(self, tensor: str, node: Any) -> int:
        return math.prod(self.shape(tensor, node))

    def is_constant(self, tensor: str) -> bool:
        return tensor in self.constants


def node_label(node: Any) -> str:
    return f"node '{node.name}' ({node.op_type})" if node.name else f"a {node.op_type} node"


def load_graph(path: Path, inputs: Mapping[str, tuple[int, ...]] = {}) -> Graph:
    """Read an ONNX file without its weight data, fix the given inputs' shapes, infer the
    rest. Every failure is a SpecError naming the file."""
    onnx = onnx_module()
    try:
        model = onnx.load(str(path), load_external_data=False)
    except FileNotFoundError:
        raise SpecError(path, None, "no such file") from None
    except IsADirectoryError:
        raise SpecError(path, None, "not a regular file: expected an .onnx model") from None
    except Exception as exc:  # protobuf's DecodeError and friends: the file is not ONNX
        raise SpecError(path, None, f"not a readable ONNX model ({type(exc).__name__}: "
                                    f"{str(exc).strip() or 'truncated or corrupt'})") from None
    if not model.graph.node:
        raise SpecError(path, None, "not an ONNX model with a graph (no nodes): truncated, "
                                    "or not an .onnx file")
    try:
        onnx.checker.check_model(_without_external_data(onnx, model))
    except Exception as exc:  # onnx.checker.ValidationError, or a protobuf error
        raise SpecError(path, None, f"not a valid ONNX model: {_first_line(exc)}") from None
    initializers = {t.name for t in model.graph.initializer}
    runtime_inputs = [i for i in model.graph.input if i.name not in initializers]
    _fix_inputs(path, runtime_inputs, inputs)
    try:
        inferred = onnx.shape_inference.infer_shapes(model, strict_mode=True, data_prop=True)
    except Exception as exc:
        raise SpecError(path, None, f"ONNX shape inference failed: {_first_line(exc)}") from None
    shapes: dict[str, tuple[int, ...]] = {}
    dtypes: dict[str, int] = {}
    for tensor in model.graph.initializer:
        shapes[tensor.name] = tuple(int(d) for d in tensor.dims)
        dtypes[tensor.name] = int(tensor.data_type)
    graph = inferred.graph
    for info in [*graph.input, *graph.value_info, *graph.output]:
        kind = info.type.WhichOneof("value")
        if kind != "tensor_type":
            continue
        tensor_type = info.type.tensor_type
        dtypes.setdefault(info.name, int(tensor_type.elem_type))
        if tensor_type.HasField("shape"):
            dims = tensor_type.shape.dim
            if all(d.HasField("dim_value") and d.dim_value >= 0 for d in dims):
                shapes.setdefault(info.name, tuple(int(d.dim_value) for d in dims))
    nodes = tuple(graph.node)
    return Graph(path=path, nodes=nodes, shapes=shapes, dtypes=dtypes,
                 constants=_constants(nodes, initializers), readers=_readers(nodes, graph.output),
                 producers={o: node for node in nodes for o in node.output if o},
                 outputs=frozenset(o.name for o in graph.output))


def _without_external_data(onnx: Any, model: Any) -> Any:
    """The model for the checker, its externally stored weights declared as graph inputs of
    the same type and shape: the checker would otherwise look for their data files, which
    the importer never reads (and which may be elsewhere, or absent)."""
    external = [t for t in model.graph.initializer if t.data_location == onnx.TensorProto.EXTERNAL]
    if not external:
        return model
    copy = onnx.ModelProto()
    copy.CopyFrom(model)
    names = {t.name for t in external}
    kept = [t for t in copy.graph.initializer if t.name not in names]
    del copy.graph.initializer[:]
    copy.graph.initializer.extend(kept)
    declared = {i.name for i in copy.graph.input}
    copy.graph.input.extend(onnx.helper.make_tensor_value_info(t.name, t.data_type, list(t.dims))
                            for t in external if t.name not in declared)
    return copy


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _fix_inputs(path: Path, runtime_inputs: list[Any], given: Mapping[str, tuple[int, ...]]) -> None:
    """Set the shapes given by --input; refuse a name the graph lacks, a rank that differs,
    and inputs left with a dynamic dimension (all of them named at once)."""
    names = [i.name for i in runtime_inputs]
    for name in given:
        if name not in names:
            raise SpecError(path, f"--input {name}", f"the graph has no input '{name}' "
                                                     f"(its inputs: {', '.join(names) or 'none'})")
    dynamic: list[str] = []
    for info in runtime_inputs:
        dims = info.type.tensor_type.shape.dim
        if info.name in given:
            shape = given[info.name]
            if len(shape) != len(dims):
                raise SpecError(path, f"--input {info.name}",
                                f"the input has {len(dims)} dimensions, got {len(shape)}")
            for dim, size in zip(dims, shape, strict=True):
                dim.Clear()
                dim.dim_value = size
            continue
        fixed = [d.HasField("dim_value") and d.dim_value > 0 for d in dims]
        if not all(fixed):
            sizes = [str(d.dim_value) if ok else ("1" if i == 0 else f"<{d.dim_param or 'size'}>")
                     for i, (d, ok) in enumerate(zip(dims, fixed, strict=True))]
            dynamic.append(f"{info.name}={'x'.join(sizes)}")
    if dynamic:
        flags = " ".join(f"--input {d}" for d in dynamic)
        raise SpecError(path, None, f"dynamic input dimension(s): give every size with "
                                    f"`python -m xrsim import-onnx {path} {flags}`")


def _constants(nodes: tuple[Any, ...], initializers: set[str]) -> frozenset[str]:
    """Tensors known before the network runs: initializers, constant nodes' outputs, and
    whatever is computed from constants only (weights made at run time, folded shapes)."""
    constant = set(initializers)
    for node in nodes:  # ONNX nodes are topologically sorted
        inputs = [i for i in node.input if i]
        if node.op_type in CONSTANT_OPS or (inputs and all(i in constant for i in inputs)):
            constant.update(o for o in node.output if o)
    return frozenset(constant)


def _readers(nodes: tuple[Any, ...], outputs: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for node in nodes:
        for name in node.input:
            counts[name] = counts.get(name, 0) + 1
    for out in outputs:
        counts[out.name] = counts.get(out.name, 0) + 1
    return counts
