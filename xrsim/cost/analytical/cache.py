"""Content-addressed, in-memory cache of per-layer results.

The key is a hash of everything a result depends on (layer shapes, the sub-accelerator
spec without its name, DRAM, energy table and mode), so a changed input can never return
a stale result. There is no disk cache: reading a result back from an ``.npz`` file took
about twice as long as computing it again (all XRBench models on the 24 distinct Figure 5
sub-accelerators: 56 ms to compute, 120 ms to load, 220 ms to write), and a disk key
would also have to change with the cost model's code.
"""

from __future__ import annotations

import hashlib

import numpy as np

Arrays = dict[str, np.ndarray]


def cache_key(*parts: bytes | str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()


class CostCache:
    """Results by key, for one process; backends may share one to reuse each other's work."""

    def __init__(self) -> None:
        self._memory: dict[str, Arrays] = {}

    def __len__(self) -> int:
        return len(self._memory)

    def get(self, key: str) -> Arrays | None:
        return self._memory.get(key)

    def put(self, key: str, arrays: Arrays) -> None:
        self._memory[key] = arrays
