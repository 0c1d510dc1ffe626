"""Content-addressed cache of per-layer results: in memory always, on disk when asked.

The key is a hash of everything a result depends on (layer shapes, the sub-accelerator
spec without its name, DRAM, energy table, cost-model version and mode), so a changed
input can never return a stale result. Nothing is written to disk unless a directory is
given, by argument or by the ``XRSIM_COST_CACHE`` environment variable.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np

CACHE_ENV = "XRSIM_COST_CACHE"
Arrays = dict[str, np.ndarray]


def cache_key(*parts: bytes | str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()


class CostCache:
    def __init__(self, directory: str | Path | None = None) -> None:
        env = os.environ.get(CACHE_ENV)
        chosen = directory if directory is not None else (env or None)
        self.directory = Path(chosen) if chosen else None
        self._memory: dict[str, Arrays] = {}

    def __len__(self) -> int:
        return len(self._memory)

    def get(self, key: str) -> Arrays | None:
        found = self._memory.get(key)
        if found is None and self.directory is not None:
            path = self.directory / f"{key}.npz"
            if path.is_file():
                with np.load(path) as data:
                    found = {name: data[name] for name in data.files}
                self._memory[key] = found
        return found

    def put(self, key: str, arrays: Arrays) -> None:
        self._memory[key] = arrays
        if self.directory is not None:
            self.directory.mkdir(parents=True, exist_ok=True)
            tmp = self.directory / f"{key}.tmp.npz"
            np.savez(tmp, **arrays)  # type: ignore[arg-type]  # numpy's stub types **kwds badly
            tmp.replace(self.directory / f"{key}.npz")  # atomic: readers never see half a file

    def clear(self) -> None:
        self._memory.clear()
