"""One layer written on a line, ``conv:H=56,W=56,C=64,K=64,R=3,S=3``, as ``costs --layer``
takes it: a what-if without a model file."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel

from xrsim.errors import SpecError
from xrsim.specio import validate_spec
from xrsim.workload.layers import (
    AttentionMatmulLayer,
    ConvLayer,
    ElementwiseLayer,
    GemmLayer,
    PoolLayer,
)
from xrsim.workload.model import Model

LAYER_CLASSES: dict[str, type[BaseModel]] = {
    cls.model_fields["type"].default: cls
    for cls in (ConvLayer, GemmLayer, AttentionMatmulLayer, ElementwiseLayer, PoolLayer)}
LAYER_KEYS: dict[str, tuple[str, ...]] = {
    kind: tuple(f for f in cls.model_fields if f not in ("name", "type", "empty"))
    for kind, cls in LAYER_CLASSES.items()}
"""Every layer kind and the whole-number keys it takes on the line, from its spec class."""


def parse_layer(text: str) -> Model:
    """``KIND:KEY=N,...`` as a one-layer model, for every layer kind: e.g.
    ``conv:H=56,W=56,C=64,K=64,R=3,S=3``, ``gemm:M=1,N=1000,K=512``,
    ``attention_matmul:M=196,N=196,K=64,heads=3``, ``pool:H=56,W=56,C=64,R=2,S=2``,
    ``elementwise:elements=200704``; errors name ``--layer``."""
    kind, sep, body = text.partition(":")
    if not sep or kind not in LAYER_KEYS:
        raise SpecError("--layer", None, f"expected KIND:KEY=N,... with KIND one of "
                                         f"{', '.join(LAYER_KEYS)}, got {text!r}")
    fields: dict[str, Any] = {}
    for item in body.split(","):
        match = re.fullmatch(r"\s*(\w+)\s*=\s*(-?\d+)\s*", item)
        if not match:
            raise SpecError("--layer", None, f"expected KEY=INTEGER, got {item!r} in {text!r}")
        key, value = match.group(1), int(match.group(2))
        if key not in LAYER_KEYS[kind]:
            raise SpecError("--layer", key, f"unknown key for {kind}; known: {', '.join(LAYER_KEYS[kind])}")
        if key in fields:
            raise SpecError("--layer", key, "given twice")
        fields[key] = value
    layer = validate_spec(LAYER_CLASSES[kind], {"name": kind, "type": kind, **fields}, "--layer")
    return Model(name=text, layers=(layer,))
