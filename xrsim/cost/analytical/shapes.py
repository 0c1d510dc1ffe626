"""A model's layers as numpy columns of the canonical loop nest, identical layers merged.

Every cost formula of the analytical backend works on these columns at once, so a model
of hundreds of layers is costed with a few dozen array operations.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from xrsim.workload.layers import ConvLayer
from xrsim.workload.model import Model

# Column order of the shape matrix; a row is everything the cost of a layer depends on.
COLUMNS = ("G", "N", "K", "C", "P", "Q", "R", "S", "U", "H", "W",
           "weights_stationary", "in_elems", "out_elems", "vector_ops")


@dataclass(frozen=True)
class LayerShapes:
    """Unique layer shapes of a model (one row each) and, for every layer, its row.

    Counts are per layer (all groups); ``H`` and ``W`` are the input rows and columns a
    group reads (the padded input for convolutions, the operand rows for matmuls).
    """

    matrix: np.ndarray
    inverse: np.ndarray

    def __getattr__(self, name: str) -> np.ndarray:
        try:
            return self.matrix[:, COLUMNS.index(name)]
        except ValueError:
            raise AttributeError(name) from None

    def __len__(self) -> int:
        return self.matrix.shape[0]

    @property
    def macs(self) -> np.ndarray:
        m = self.matrix
        return np.prod(m[:, :8], axis=1)

    @property
    def is_mac(self) -> np.ndarray:
        return self.vector_ops == 0

    @property
    def weight_elems(self) -> np.ndarray:
        """Elements of the stationary-side operand (weights, or the second matmul operand)."""
        return self.G * self.K * self.C * self.R * self.S

    def key_bytes(self) -> bytes:
        return self.matrix.tobytes()


def _row(layer: object) -> tuple[int, ...]:
    nest = layer.loop_nest()  # type: ignore[attr-defined]
    vector_ops = int(layer.vector_ops)  # type: ignore[attr-defined]
    out_elems = int(layer.output_elems)  # type: ignore[attr-defined]
    if nest is None:
        in_elems = int(layer.input_elems)  # type: ignore[attr-defined]
        # vector_ops >= 1 marks a vector layer; an empty one still moves its data
        return (0,) * 11 + (1, in_elems, out_elems, max(1, vector_ops))
    if isinstance(layer, ConvLayer):
        h, w = layer.H + 2 * layer.padding, layer.W + 2 * layer.padding
        in_elems = layer.input_elems
    else:
        h, w = nest.P, 1  # a matmul input is M rows of C channels
        in_elems = layer.input_elems  # type: ignore[attr-defined]
        if not nest.weights_stationary:  # the second operand is counted as the "weights"
            in_elems -= nest.G * nest.K * nest.C
    return (nest.G, nest.N, nest.K, nest.C, nest.P, nest.Q, nest.R, nest.S, nest.U, h, w,
            int(nest.weights_stationary), int(in_elems), out_elems, 0)


def layer_shapes(model: Model) -> LayerShapes:
    """The unique loop nests of ``model`` and the row of each layer."""
    rows = np.array([_row(layer) for layer in model.layers], dtype=np.int64)
    unique, inverse = np.unique(rows, axis=0, return_inverse=True)
    return LayerShapes(matrix=unique, inverse=inverse.reshape(-1))
