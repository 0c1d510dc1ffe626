"""Eyeriss-like row stationary (RS): active PEs, compute cycles and buffer traffic.

A PE set is R (filter rows) x P (output rows); it is folded into strips of at most Ac
output rows and, when several sets fit the array, replicated down the rows and across the
columns (different channels or filters). The ideal time on the active PEs is multiplied
by an overhead factor calibrated on the Eyeriss chip (docs/cost_model.md).
"""

from __future__ import annotations

import numpy as np

from xrsim.cost.analytical.shapes import LayerShapes
from xrsim.cost.analytical.systolic import ArrayCounts, ceil_div


def rs_active_pes(R: np.ndarray, P: np.ndarray, rows: int, cols: int,
                  planes: np.ndarray | None = None) -> np.ndarray:
    """PEs doing work. When the strips fit the rows, replicas of the R x P set fill the
    rows and, if a set is at most half as wide as the array, the columns too (each replica
    works on another channel or filter; ``planes`` = G N K C caps their number). Otherwise
    P is folded in time: R x min(P, Ac) per set of R rows; a filter taller than the array
    uses every row."""
    strips = ceil_div(P, cols)
    fits = R * strips <= rows
    across = np.where(strips == 1, cols // np.maximum(P, 1), 1)
    replicas = (rows // np.maximum(R * strips, 1)) * across
    if planes is not None:
        replicas = np.minimum(replicas, planes)
    folded = np.where(rows >= R, R * np.minimum(P, cols) * (rows // np.maximum(R, 1)),
                      rows * np.minimum(P, cols))
    return np.where(P > 0, np.where(fits, replicas * R * P, folded), 0)


def rs_counts(shapes: LayerShapes, rows: int, cols: int, *, overhead: float,
              pe_buffer_words: int) -> ArrayCounts:
    """Cycles and global-buffer traffic of every layer row with the RS dataflow.

    Traffic: a weight row is re-read from the buffer once per output strip; an input row
    once per block of the filters whose rows fit half the PE buffer; partial sums are read
    and written back once per block of channels (the same block size).
    """
    planes = shapes.G * shapes.N * shapes.K * shapes.C
    active = rs_active_pes(shapes.R, shapes.P, rows, cols, planes)
    macs = shapes.macs
    ideal = ceil_div(macs, np.maximum(active, 1))
    cycles = np.ceil(ideal * overhead).astype(np.int64)
    block = max(1, pe_buffer_words // 2) // np.maximum(shapes.S, 1)
    block = np.maximum(block, 1)
    strips = ceil_div(shapes.P, cols)
    filt = shapes.weight_elems * strips
    ifmap = shapes.in_elems * ceil_div(shapes.K, block)
    ofmap = shapes.out_elems * (2 * ceil_div(shapes.C, block) - 1)
    efficiency = active / (rows * cols)
    zero = macs == 0
    return ArrayCounts(cycles=np.where(zero, 0, cycles), ifmap_reads=np.where(zero, 0, ifmap),
                       filter_reads=np.where(zero, 0, filt), ofmap_writes=np.where(zero, 0, ofmap),
                       mapping_efficiency=np.where(zero, 0.0, efficiency))
