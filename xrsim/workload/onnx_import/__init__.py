"""Import an ONNX network as an xrsim model: ``python -m xrsim import-onnx MODEL.onnx``.

The graph is read without weight data and shape-inferred; each operator becomes the layers
it computes (operators.py), BatchNormalization after a convolution or GEMM is folded into
it, data movement becomes no layer, and an operator with no layer kind is listed and
refused unless the caller allows leaving it out.
"""

from __future__ import annotations

import functools
import hashlib
import math
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from xrsim.errors import SpecError
from xrsim.specio import validate_spec
from xrsim.workload.model import Model
from xrsim.workload.onnx_import.graph import (
    FLOAT_TYPES,
    Graph,
    UnknownShape,
    load_graph,
    node_label,
    parse_input_shape,
)
from xrsim.workload.onnx_import.operators import (
    DATA_MOVEMENT,
    FOLDS_INTO,
    NOT_WEIGHTS,
    QUANTISATION,
    Unsupported,
    translate,
)

__all__ = ["ImportResult", "import_onnx", "load_onnx_model", "model_yaml", "parse_input_shape"]


@dataclass(frozen=True)
class ImportResult:
    """A model imported from ONNX, with what the import kept, folded and left out."""

    model: Model
    params: int
    unsupported: dict[str, int] = field(default_factory=dict)
    data_movement: dict[str, int] = field(default_factory=dict)
    folded: dict[str, int] = field(default_factory=dict)
    sha256: str = ""

    @property
    def macs(self) -> int:
        return self.model.total_macs

    def summary(self) -> dict[str, Any]:
        """What ``import-onnx --json`` prints."""
        return {"name": self.model.name, "layers": len(self.model.layers), "macs": self.macs,
                "params": self.params,
                "unsupported": [{"op": op, "count": n} for op, n in sorted(self.unsupported.items())],
                "data_movement": dict(sorted(self.data_movement.items())),
                "folded": dict(sorted(self.folded.items()))}


def model_name(path: Path) -> str:
    """A model name from a file name: letters, digits, '_' and '-' only."""
    return re.sub(r"[^A-Za-z0-9_-]+", "_", path.stem).strip("_") or "onnx_model"


def import_onnx(path: Path, name: str | None = None, inputs: Mapping[str, tuple[int, ...]] = {},
                allow_unsupported: bool = False, task: str = "imported from ONNX",
                source: str | None = None) -> ImportResult:
    """The model an ONNX file computes. Unsupported operators are a SpecError naming them,
    unless ``allow_unsupported`` leaves them out (and lists them in the result)."""
    graph = load_graph(path, inputs)
    layers: list[dict[str, Any]] = []
    unsupported: Counter[str] = Counter()
    moved: Counter[str] = Counter()
    folded: Counter[str] = Counter()
    weights: set[str] = set()
    names: set[str] = set()
    for index, node in enumerate(graph.nodes):
        if _is_constant_node(graph, node):
            folded["constants"] += 1  # computed once (a weight made at run time, a shape)
            continue
        if node.op_type in DATA_MOVEMENT:
            _check_reshape(graph, node)
            moved[node.op_type] += 1
            continue
        if node.op_type in QUANTISATION or (node.op_type == "BatchNormalization" and _folds(graph, node)):
            folded[node.op_type] += 1
            weights.update(node.input[1:] if node.op_type == "BatchNormalization" else ())
            continue
        try:
            produced = translate(graph, node, node.name or f"{node.op_type.lower()}_{index}")
        except Unsupported as exc:
            unsupported[exc.label] += 1
            continue
        except UnknownShape:
            if not allow_unsupported:
                raise
            unsupported[f"{node.op_type} (shape unknown)"] += 1
            continue
        for layer in produced:  # unique among all layers: a node's name may be another's step
            layer["name"] = _unique(layer["name"], names)
        layers.extend(produced)
        if node.op_type not in NOT_WEIGHTS:
            weights.update(i for i in node.input if i)
    if unsupported and not allow_unsupported:
        listed = ", ".join(f"{op} ({n})" for op, n in sorted(unsupported.items()))
        raise SpecError(path, None, f"unsupported operators: {listed}; `python -m xrsim "
                                    "import-onnx --allow-unsupported` leaves them out")
    if not layers:
        left = (" once the unsupported operators are left out" if unsupported else "")
        raise SpecError(path, None, f"no operator of the graph computes anything xrsim models{left} "
                                    "(only data movement or constants remain)")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    data = {"name": name or model_name(path), "task": task,
            "source": source or f"{path.name} (sha256 {digest[:16]}), imported by xrsim import-onnx",
            "layers": layers}
    model = validate_spec(Model, data, path)
    return ImportResult(model=model, params=_params(graph, weights), unsupported=dict(unsupported),
                        data_movement=dict(moved), folded=dict(folded), sha256=digest)


def _is_constant_node(graph: Graph, node: Any) -> bool:
    return all(graph.is_constant(o) for o in node.output if o)


def _folds(graph: Graph, node: Any) -> bool:
    """A BatchNormalization whose input is a convolution's or GEMM's output read by it alone."""
    source = node.input[0]
    producer = graph.producers.get(source)
    return (producer is not None and producer.op_type in FOLDS_INTO
            and graph.readers.get(source, 0) == 1 and source not in graph.outputs)


def _unique(base: str, taken: set[str]) -> str:
    """``base``, or ``base_2``, ``base_3``... the first not ``taken`` (which it joins)."""
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}_{n}"
    taken.add(name)
    return name


def _params(graph: Graph, read: set[str]) -> int:
    """Elements of the floating-point constants read by the operators kept or folded: their
    weights, biases and normalisation parameters (integer shapes and indices, and the
    constants of operators left out, are not counted)."""
    return sum(math.prod(graph.shapes[t]) for t in read
               if graph.is_constant(t) and t in graph.shapes and graph.dtypes.get(t) in FLOAT_TYPES)


def _check_reshape(graph: Graph, node: Any) -> None:
    """A Reshape to a fixed shape that does not hold its input: the graph was exported for
    another input size (a classifier's flatten), and --input changed it; its counts would
    be wrong, so it is refused."""
    if node.op_type != "Reshape":
        return
    source, out = node.input[0], node.output[0]
    if source in graph.shapes and out in graph.shapes:
        given, made = math.prod(graph.shapes[source]), math.prod(graph.shapes[out])
        if given != made:
            raise SpecError(graph.path, node_label(node),
                            f"reshapes {given:,} elements into a fixed shape "
                            f"{list(graph.shapes[out])} of {made:,}: the graph was exported for "
                            "another input shape, which --input cannot change")


def model_yaml(result: ImportResult, header: str) -> str:
    """The model spec file's text: a comment, then one layer per line, as the built-in
    models are written."""
    head = {k: v for k, v in result.model.model_dump(mode="json", exclude_none=True).items()
            if k not in ("layers",)}
    lines = [f"# {line}" for line in header.splitlines()]
    if result.unsupported:
        lines.append("# Left out (unsupported): " + ", ".join(
            f"{op} x{n}" for op, n in sorted(result.unsupported.items())))
    lines.append(yaml.safe_dump(head, sort_keys=False, width=1000).rstrip())
    lines.append("layers:")
    for layer in result.model.layers:
        row = layer.model_dump(mode="json", exclude_defaults=True)
        row = {"name": layer.name, "type": layer.type, **{k: v for k, v in row.items() if k != "name"}}
        lines.append("  - " + yaml.safe_dump(row, default_flow_style=True, sort_keys=False,
                                              width=10_000).strip())
    return "\n".join(lines) + "\n"


def load_onnx_model(path: Path) -> Model:
    """A model named by its .onnx file (in a scenario, or ``costs --model``): imported on
    load, once per content. Its inputs must be static and every operator supported."""
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise SpecError(path, None, f"cannot read file ({exc.strerror or exc})") from None
    return _imported(path, digest)


@functools.lru_cache(maxsize=64)
def _imported(path: Path, digest: str) -> Model:
    return import_onnx(path).model
