"""SCALE-Sim's view of a convolution's extent, for comparing with its exact counts.

SCALE-Sim v2 counts E = ceil((H - R + U) / U) output rows, a partial last window
included; the same loop nest is the (floor) convolution on (E - 1) U + R inputs. A layer
given as SCALE-Sim gives it is turned into that convolution here, once, for the CLI's
``--scalesim-compat`` and for the tests that hold the model to SCALE-Sim's numbers.
"""

from __future__ import annotations

from xrsim.workload.layers import ConvLayer


def scalesim_extent(size: int, window: int, stride: int) -> int:
    """The input size whose floor convolution has SCALE-Sim's ceil((size - window + stride) /
    stride) outputs: (outputs - 1) stride + window."""
    outputs = -(-(size - window + stride) // stride)
    return (outputs - 1) * stride + window


def scalesim_layer(layer: ConvLayer) -> ConvLayer:
    """``layer`` with H and W as SCALE-Sim counts them (unpadded layers only: SCALE-Sim
    takes no padding); a window larger than the input is left for the spec to refuse."""
    if layer.padding or layer.H < layer.R or layer.W < layer.S:
        return layer
    return layer.model_copy(update={"H": scalesim_extent(layer.H, layer.R, layer.stride),
                                    "W": scalesim_extent(layer.W, layer.S, layer.stride)})
