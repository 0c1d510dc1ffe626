"""Layer specs: what a layer computes, its MACs and its operand sizes (in elements).

Every layer kind maps onto one canonical loop nest (``LoopNest``) so that a cost model
has a single code path for convolution, depthwise/grouped convolution, GEMM/FC and
attention matmuls; elementwise and pooling layers are vector work with no MACs.

Sizes are element counts; bytes follow from the hardware's word size.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import prod
from operator import attrgetter
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, Field, StrictBool, ValidationInfo, field_validator, model_validator

from xrsim.specio import SPEC_CONFIG

PosInt = Annotated[int, Field(ge=1, le=2**31, strict=True)]
NonNegInt = Annotated[int, Field(ge=0, le=2**31, strict=True)]
EXACT_LIMIT = 2**53
"""Counts at or above this are not exact in float64, which the cost model computes in."""


@dataclass(frozen=True, slots=True)
class LoopNest:
    """The canonical form (G, N, K, C, P, Q, R, S, U) of a layer, C and K per group.

    ``weights_stationary`` is False when both operands are activations (attention), so no
    operand comes from weight memory.
    """

    G: int
    N: int
    K: int
    C: int
    P: int
    Q: int
    R: int
    S: int
    U: int
    weights_stationary: bool = True

    @property
    def macs(self) -> int:
        return self.G * self.N * self.K * self.C * self.P * self.Q * self.R * self.S


def _out_size(size: int, padding: int, window: int, stride: int) -> int:
    """Outputs along one axis; a window larger than the padded input gives none."""
    out = (size + 2 * padding - window) // stride + 1
    return out if out > 0 else 0


EMPTY_DESCRIPTION = ("the R x S window is larger than the padded input, so the layer has no "
                     "outputs and costs nothing - as the XRBench reference encodes a few layers; "
                     "without it such a layer is refused as a mistake")


def _check_window(layer: ConvLayer | PoolLayer, window: str) -> None:
    """A window larger than its padded input leaves no outputs, 0 MACs and a free layer,
    which would score perfectly: almost always a typo or a missing padding, so such a layer
    is refused unless its spec says ``empty: true`` - a flag refused on a layer that is not."""
    pad = 2 * layer.padding
    if layer.H + pad >= layer.R and layer.W + pad >= layer.S:  # an output along each axis
        if layer.empty:
            raise ValueError(f"layer '{layer.name}' says 'empty: true' but has "
                             f"{layer.out_h} x {layer.out_w} outputs")
        return
    if not layer.empty:
        padding = max(-(-(layer.R - layer.H) // 2), -(-(layer.S - layer.W) // 2))
        raise ValueError(
            f"layer '{layer.name}': its {layer.R} x {layer.S} {window} does not fit its "
            f"{layer.H} x {layer.W} input with padding {layer.padding}, so it has no outputs "
            f"and would cost nothing; give padding >= {padding}, or 'empty: true' if it is "
            "meant to compute nothing")


class _Layer(BaseModel):
    model_config = SPEC_CONFIG
    name: str = Field(min_length=1)

    @property
    def macs(self) -> int:
        raise NotImplementedError

    @property
    def weight_elems(self) -> int:
        raise NotImplementedError

    @property
    def input_elems(self) -> int:
        raise NotImplementedError

    @property
    def output_elems(self) -> int:
        raise NotImplementedError

    @property
    def vector_ops(self) -> int:
        """Non-MAC work (comparisons, adds, activations) done by the vector unit."""
        return 0

    def loop_nest(self) -> LoopNest | None:
        """The canonical loop nest, or None for layers without MACs."""
        return None

    def _check_shape(self) -> None:
        """Refuse what the fields allow one by one but not together (one after-validator
        per layer runs this and the size check: a model file holds hundreds of layers)."""

    @model_validator(mode="after")
    def _checked(self) -> _Layer:
        self._within_exact_counts()
        self._check_shape()
        return self

    _sizes: ClassVar[attrgetter[tuple[Any, ...]]]
    _padded: ClassVar[int]

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        sizes = [name for name, field in cls.model_fields.items()
                 if field.annotation is int and name != "padding"]
        if len(sizes) < 2:  # attrgetter of one name gives a number, not a tuple
            raise TypeError(f"{cls.__name__}: a layer kind has at least two sizes")
        cls._sizes = attrgetter(*sizes)
        cls._padded = len(sizes)

    def _within_exact_counts(self) -> None:
        # Every count is at most twice the product of the sizes, padding added to each (an
        # output axis is at most its padded input), and v + 2p <= v (1 + 2p): that cheap
        # bound clears nearly every layer; only a layer near the limit has its counts worked
        # out (a model file holds hundreds of layers, and this check was a third of loading one).
        bound = 2 * prod(self._sizes(self)) * (1 + 2 * getattr(self, "padding", 0)) ** self._padded
        if bound < EXACT_LIMIT:
            return
        largest = max(self.macs, self.weight_elems, self.input_elems, self.output_elems, self.vector_ops)
        if largest >= EXACT_LIMIT:
            raise ValueError(f"too large: {largest:.3g} MACs or elements (the limit is 2^53)")


class ConvLayer(_Layer):
    """2-D convolution. H and W are the INPUT sizes without padding (as SCALE-Sim and
    MAESTRO take them); C and K are the layer's total channels and ``groups`` divides both,
    as in PyTorch (depthwise: groups = C = K). The XRBench reference's encoding is stride 1,
    padding 0; a filter larger than its input gives an empty output (0 MACs), as there, and
    must be marked ``empty: true``."""

    type: Literal["conv"] = "conv"
    H: PosInt
    W: PosInt
    C: PosInt
    K: PosInt
    R: PosInt
    S: PosInt
    stride: PosInt = 1
    padding: NonNegInt = 0
    groups: PosInt = 1
    batch: PosInt = 1
    empty: StrictBool = Field(default=False, description=EMPTY_DESCRIPTION)

    @field_validator("groups")
    @classmethod
    def _groups_divide_channels(cls, groups: int, info: ValidationInfo) -> int:
        c, k = info.data.get("C"), info.data.get("K")
        if c is not None and k is not None and (c % groups or k % groups):
            raise ValueError(f"groups ({groups}) must divide both C ({c}) and K ({k})")
        return groups

    @property
    def out_h(self) -> int:
        return _out_size(self.H, self.padding, self.R, self.stride)

    @property
    def out_w(self) -> int:
        return _out_size(self.W, self.padding, self.S, self.stride)

    def _check_shape(self) -> None:
        _check_window(self, "filter")

    def loop_nest(self) -> LoopNest:
        return LoopNest(
            G=self.groups,
            N=self.batch,
            K=self.K // self.groups,
            C=self.C // self.groups,
            P=self.out_h,
            Q=self.out_w,
            R=self.R,
            S=self.S,
            U=self.stride,
        )

    @property
    def macs(self) -> int:
        return self.loop_nest().macs

    @property
    def weight_elems(self) -> int:
        return self.K * (self.C // self.groups) * self.R * self.S

    @property
    def input_elems(self) -> int:
        return self.batch * self.C * self.H * self.W

    @property
    def output_elems(self) -> int:
        return self.batch * self.K * self.out_h * self.out_w


class GemmLayer(_Layer):
    """Matrix product (M x K) . (K x N) with a weight matrix K x N: FC and 1x1 projections."""

    type: Literal["gemm"] = "gemm"
    M: PosInt
    N: PosInt
    K: PosInt
    batch: PosInt = 1

    def loop_nest(self) -> LoopNest:
        return LoopNest(G=1, N=self.batch, K=self.N, C=self.K, P=self.M, Q=1, R=1, S=1, U=1)

    @property
    def macs(self) -> int:
        return self.batch * self.M * self.N * self.K

    @property
    def weight_elems(self) -> int:
        return self.K * self.N

    @property
    def input_elems(self) -> int:
        return self.batch * self.M * self.K

    @property
    def output_elems(self) -> int:
        return self.batch * self.M * self.N


class AttentionMatmulLayer(_Layer):
    """A matmul whose both operands are activations (Q.K^T, A.V), one per head:
    (M x K) . (K x N) for each of batch x heads. Nothing comes from weight memory."""

    type: Literal["attention_matmul"] = "attention_matmul"
    M: PosInt
    N: PosInt
    K: PosInt
    heads: PosInt = 1
    batch: PosInt = 1

    def loop_nest(self) -> LoopNest:
        return LoopNest(
            G=self.batch * self.heads, N=1, K=self.N, C=self.K, P=self.M, Q=1, R=1, S=1, U=1,
            weights_stationary=False,
        )

    @property
    def macs(self) -> int:
        return self.batch * self.heads * self.M * self.N * self.K

    @property
    def weight_elems(self) -> int:
        return 0

    @property
    def input_elems(self) -> int:
        return self.batch * self.heads * (self.M * self.K + self.K * self.N)

    @property
    def output_elems(self) -> int:
        return self.batch * self.heads * self.M * self.N


class ElementwiseLayer(_Layer):
    """Elementwise work (add, activation, normalisation, softmax) over ``elements`` outputs,
    reading ``operands`` inputs per output and doing ``ops_per_element`` vector ops each."""

    type: Literal["elementwise"] = "elementwise"
    elements: PosInt
    operands: PosInt = 1
    ops_per_element: PosInt = 1

    @property
    def macs(self) -> int:
        return 0

    @property
    def weight_elems(self) -> int:
        return 0

    @property
    def input_elems(self) -> int:
        return self.elements * self.operands

    @property
    def output_elems(self) -> int:
        return self.elements

    @property
    def vector_ops(self) -> int:
        return self.elements * self.ops_per_element


class PoolLayer(_Layer):
    """Max/average pooling over R x S windows; stride defaults to the window height."""

    type: Literal["pool"] = "pool"
    H: PosInt
    W: PosInt
    C: PosInt
    R: PosInt
    S: PosInt
    stride: PosInt | None = None
    padding: NonNegInt = 0
    batch: PosInt = 1
    empty: StrictBool = Field(default=False, description=EMPTY_DESCRIPTION)

    def _check_shape(self) -> None:
        _check_window(self, "pool window")

    @property
    def _stride(self) -> int:
        return self.stride if self.stride is not None else self.R

    @property
    def out_h(self) -> int:
        return _out_size(self.H, self.padding, self.R, self._stride)

    @property
    def out_w(self) -> int:
        return _out_size(self.W, self.padding, self.S, self._stride)

    @property
    def macs(self) -> int:
        return 0

    @property
    def weight_elems(self) -> int:
        return 0

    @property
    def input_elems(self) -> int:
        return self.batch * self.C * self.H * self.W

    @property
    def output_elems(self) -> int:
        return self.batch * self.C * self.out_h * self.out_w

    @property
    def vector_ops(self) -> int:
        return self.output_elems * self.R * self.S


Layer = Annotated[
    ConvLayer | GemmLayer | AttentionMatmulLayer | ElementwiseLayer | PoolLayer,
    Field(discriminator="type"),
]
LAYER_KINDS: list[str] = [
    cls.model_fields["type"].default
    for cls in (ConvLayer, GemmLayer, AttentionMatmulLayer, ElementwiseLayer, PoolLayer)]
"""The ``type`` of every layer a model may hold."""
