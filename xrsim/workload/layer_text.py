"""One layer written on a line, ``conv:H=56,W=56,C=64,K=64,R=3,S=3``, as ``costs --layer``
takes it: a what-if without a model file."""

from __future__ import annotations

import re
from typing import Any

from xrsim.errors import SpecError
from xrsim.specio import validate_spec
from xrsim.workload.layers import ConvLayer, GemmLayer
from xrsim.workload.model import Model

LAYER_KEYS = {
    "conv": ("H", "W", "C", "K", "R", "S", "stride", "groups", "batch", "padding"),
    "gemm": ("M", "N", "K", "batch"),
}


def parse_layer(text: str) -> Model:
    """``conv:H=56,W=56,C=64,K=64,R=3,S=3[,stride=..][,groups=..][,batch=..][,padding=..]`` or
    ``gemm:M=..,N=..,K=..[,batch=..]`` as a one-layer model; errors name ``--layer``."""
    kind, sep, body = text.partition(":")
    if not sep or kind not in LAYER_KEYS:
        raise SpecError("--layer", None, f"expected conv:KEY=N,... or gemm:KEY=N,..., got {text!r}")
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
    cls = ConvLayer if kind == "conv" else GemmLayer
    layer = validate_spec(cls, {"name": kind, "type": kind, **fields}, "--layer")
    return Model(name=text, layers=(layer,))
