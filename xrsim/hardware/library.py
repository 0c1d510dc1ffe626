"""Finding and loading hardware systems, built-in (by name) or from files (by path)."""

from __future__ import annotations

import functools
from pathlib import Path

from xrsim.hardware.spec import HardwareSystem
from xrsim.specio import builtin_dir, content_digest, expect_kind, read_yaml, resolve_ref, validate_spec


def builtin_hardware_dir() -> Path:
    return builtin_dir("hardware_specs")


def list_hardware() -> list[str]:
    return sorted(p.stem for p in builtin_hardware_dir().glob("*.yaml"))


def load_hardware_file(path: Path) -> HardwareSystem:
    """A hardware file, parsed once per content: a spec is frozen and self-contained (its
    energy table is a built-in name or written inline), so runs can share it."""
    return _load_hardware_file(path, content_digest(path))


@functools.lru_cache(maxsize=256)
def _load_hardware_file(path: Path, digest: str) -> HardwareSystem:
    data = read_yaml(path)
    expect_kind(data, path, "hardware")
    return validate_spec(HardwareSystem, data, path)


def load_hardware(ref: str | Path) -> HardwareSystem:
    """A built-in design by name (``xrbench-4k-A``) or a spec file by path."""
    return load_hardware_file(resolve_ref(ref, builtin_hardware_dir(), "hardware"))
