"""Processes a test watches: the pool workers a sweep forked, found through /proc."""

from __future__ import annotations

from pathlib import Path


def children(parent: int) -> set[int]:
    """The ids of ``parent``'s living child processes."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent:
            found.add(int(stat.parent.name))
    return found
