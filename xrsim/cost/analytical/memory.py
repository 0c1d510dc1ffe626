"""Off-chip traffic and the latency roofline.

DRAM traffic is decided at the global-buffer level, independently of the array's
dataflow: the buffer holds a block of one operand (half of it, the other half prefetches
the next block) while the other operand streams past. Of three loop orders - weights
resident (inputs re-streamed per weight block), inputs resident (weights re-streamed per
input block), input channel blocks resident (each weight read once, partial sums spill
to DRAM and come back) - the one that moves fewer words is taken, per group. A block
smaller than one filter (or one input slab) splits the channels and spills partial sums
too. Outputs are written once. This is Timeloop's "fits or re-fetch" collapsed to one
level with a three-candidate mapper; it lower-bounds SCALE-Sim's prefetch-driven traffic.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from xrsim.cost.analytical.shapes import LayerShapes
from xrsim.cost.analytical.systolic import ceil_div

BOUNDS = ("compute", "noc", "dram", "vector")


def dram_words(shapes: LayerShapes, buffer_words: int, weight_buffer_words: int | np.ndarray) -> np.ndarray:
    """Words moved to and from DRAM by each layer row (all groups).

    ``buffer_words`` holds a resident block; ``weight_buffer_words`` may be larger when
    the dataflow keeps weights in the PE-local buffers too (RS).
    """
    g = np.maximum(shapes.G, 1)
    w, i, o = shapes.weight_elems // g, shapes.in_elems // g, shapes.out_elems // g
    # weights resident: blocks of whole filters; inputs re-streamed once per block
    filter_words = shapes.C * shapes.R * shapes.S
    c_split_w = ceil_div(filter_words, weight_buffer_words)
    blocks_w = ceil_div(w, weight_buffer_words)
    by_weights = w + i * blocks_w + o * (2 * c_split_w - 1)
    # inputs resident: blocks of R input rows with all channels; weights re-streamed
    slab_words = shapes.C * shapes.R * shapes.W
    c_split_i = ceil_div(slab_words, buffer_words)
    blocks_i = ceil_div(i, buffer_words)
    by_inputs = i + w * blocks_i + o * (2 * c_split_i - 1)
    # channel blocks of the whole input resident: each weight read once, partial sums spill
    by_channels = i + w + o * (2 * ceil_div(i, buffer_words) - 1)
    mac_words = g * np.minimum(np.minimum(by_weights, by_inputs), by_channels)
    vector_words = shapes.in_elems + shapes.out_elems
    return np.where(shapes.is_mac, np.where(shapes.macs > 0, mac_words, 0), vector_words)


@dataclass(frozen=True)
class Latency:
    cycles: np.ndarray
    bound: np.ndarray  # index into BOUNDS, -1 for a layer with nothing to do


def combine(terms: np.ndarray, prologue: np.ndarray, epilogue: np.ndarray, overlap: float) -> Latency:
    """Latency from per-resource busy times (rows of ``terms``, in BOUNDS order).

    Perfect double buffering hides all but the longest (``overlap`` = 1); with less, a
    fraction of the others adds: max + (1 - overlap) (sum - max). Loading the first tiles
    and draining the last outputs never overlap anything.
    """
    longest = terms.max(axis=0)
    total = longest + (1.0 - overlap) * (terms.sum(axis=0) - longest) + prologue + epilogue
    bound = np.where(longest > 0, terms.argmax(axis=0), -1)
    return Latency(cycles=total, bound=bound)


_BLOCKS = 2 ** np.arange(13)  # candidate numbers of blocks along a loop (1 ... 4096)


def rs_dram_words(shapes: LayerShapes, buffer_words: int) -> np.ndarray:
    """Words moved to and from DRAM by each layer row under Eyeriss row stationary.

    The global buffer holds only an ifmap tile (n images x e output rows' input rows x c
    channels) and the partial sums of k filters over it; filters bypass it, DRAM straight
    to the PE scratchpads, so they are fetched again for every ifmap tile (image block x
    row strip). Partial sums stay in the buffer across the channel blocks, so outputs are
    written once; an ifmap tile without all channels is re-fetched for every filter block.
    Tile sizes are searched over powers-of-two block counts (k the largest that fits);
    the fewest words win; if even the smallest tile does not fit, it is charged as if it
    did (a smaller buffer never moves fewer words than a larger one). A layer whose second
    operand is an activation held in the buffer (attention) falls back to ``dram_words``,
    and so do vector and empty layers (the tile search runs only on the rows it applies
    to: their zero dimensions would divide by zero).
    """
    generic = dram_words(shapes, buffer_words, buffer_words)
    rs = (shapes.weights_stationary == 1) & shapes.is_mac & (shapes.macs > 0)
    if not rs.any():
        return generic.astype(np.int64)
    best = _rs_tile_search(LayerShapes(matrix=shapes.matrix[rs], inverse=np.arange(int(rs.sum()))),
                           buffer_words)
    out = generic.astype(np.int64)
    out[rs] = best
    return out


def _rs_tile_search(shapes: LayerShapes, buffer_words: int) -> np.ndarray:
    """``rs_dram_words`` of MAC rows with weights and work."""
    g = np.maximum(shapes.G, 1)
    N, C, K, P, Q = (x[:, None, None, None] for x in (shapes.N, shapes.C, shapes.K, shapes.P, shapes.Q))
    R, U, H, W = (x[:, None, None, None] for x in (shapes.R, shapes.U, shapes.H, shapes.W))
    def counts(dim: np.ndarray) -> np.ndarray:
        """Block counts worth trying along a loop: powers of two up to the first at or above
        the longest such loop among the rows, so that every row reaches blocks of one and
        tries the same blocks whatever other layers share its model."""
        return _BLOCKS[2 * max(1, int(dim.max(initial=1))) > _BLOCKS]

    n = ceil_div(N, counts(shapes.N)[None, :, None, None])
    e = np.maximum(ceil_div(P, counts(shapes.P)[None, None, :, None]), 1)
    c = ceil_div(C, counts(shapes.C)[None, None, None, :])
    rows = np.minimum(H, (e - 1) * U + R)
    strips = ceil_div(P, e)
    ifmap_tile = n * c * rows * W
    k = np.minimum(K, (buffer_words - ifmap_tile) // np.maximum(n * e * Q, 1))
    fits = k >= 1
    i, w, o = (x[:, None, None, None] // g[:, None, None, None]
               for x in (shapes.in_elems, shapes.weight_elems, shapes.out_elems))
    # rows shared by two strips come twice; rows a stride skips are fetched all the same
    ifmap = np.maximum(i, ceil_div(i * strips * rows, np.maximum(H, 1)))
    passes = np.where(c == C, 1, ceil_div(K, np.maximum(k, 1)))
    words = (w * ceil_div(N, n) * strips + ifmap * passes + o).reshape(len(shapes), -1)
    best = np.where(fits.reshape(len(shapes), -1), words, np.inf).min(axis=1)
    # No tile fits: the smallest one (the last candidate) is charged as if it did, so that a
    # smaller buffer never moves fewer words than a larger one that fits some tile.
    return g * np.where(np.isfinite(best), best, words[:, -1])
