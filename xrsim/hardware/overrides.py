"""Hardware parameter overrides by dotted path, as ``run --set`` and a sweep's ``set`` give them.

A path names fields from the system down: ``dram.bandwidth_gb_per_s``,
``sub_accelerators.acc1.clock_ghz`` (a sub-accelerator by name), ``sub_accelerators.0.clock_ghz``
(by index) or ``sub_accelerators.*.global_buffer_kib`` (every one). A path that names no
field is an error, never a silent no-op; the overridden system is validated as a whole.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from xrsim.errors import SpecError
from xrsim.hardware.spec import HardwareSystem
from xrsim.specio import StrictLoader, validate_spec


class UnknownOverride(SpecError):
    """An override whose path names no field: a mistake in the request, not in the design."""


def parse_assignment(text: str) -> tuple[str, Any]:
    """``'dram.bandwidth_gb_per_s=64'`` -> ``('dram.bandwidth_gb_per_s', 64)``; the value is
    read as YAML, so numbers, booleans and ``[rows, cols]`` keep their types."""
    path, sep, value = text.partition("=")
    if not sep or not path.strip():
        raise SpecError(None, "--set", f"expected PATH=VALUE, got '{text}'")
    try:
        parsed = yaml.load(value, Loader=StrictLoader) if value.strip() else None
    except (yaml.YAMLError, SpecError) as exc:
        raise SpecError(None, f"--set {path}", f"cannot read the value '{value}' ({exc})") from None
    if parsed is None:
        raise SpecError(None, f"--set {path}", "needs a value")
    return path.strip(), parsed


def _targets(node: Any, parts: list[str], path: str, source: str | Path | None) -> list[tuple[Any, Any]]:
    """The (container, key) pairs that ``parts`` reach from ``node``."""
    head, rest = parts[0], parts[1:]
    found: list[tuple[Any, Any]]
    if isinstance(node, dict):
        if head not in node:
            raise UnknownOverride(source, f"set.{path}",
                            f"names no field: '{head}' is not one of {', '.join(sorted(node))}")
        found = [(node, head)]
    elif isinstance(node, list):
        names = [item.get("name") for item in node if isinstance(item, dict)]
        if head == "*":
            found = [(node, i) for i in range(len(node))]
        elif head.isdigit() and int(head) < len(node):
            found = [(node, int(head))]
        elif head in names:
            found = [(node, names.index(head))]
        else:
            raise UnknownOverride(source, f"set.{path}", (
                f"names no item: '{head}' is not '*', an index below {len(node)} or one of "
                f"{', '.join(str(n) for n in names)}"))
    else:
        raise UnknownOverride(source, f"set.{path}",
                              f"names no field: the value before '{head}' has no fields")
    if not rest:
        return found
    return [t for container, key in found for t in _targets(container[key], rest, path, source)]


def apply_overrides(system: HardwareSystem, overrides: Mapping[str, Any],
                    source: str | Path | None = None) -> HardwareSystem:
    """``system`` with every ``path -> value`` of ``overrides`` applied, validated again."""
    if not overrides:
        return system
    data = system.model_dump(mode="json")
    for path, value in overrides.items():
        for container, key in _targets(data, path.split("."), path, source):
            container[key] = value
    try:
        return validate_spec(HardwareSystem, data, source)
    except SpecError as exc:
        # the override whose field the design's check names (the last part of its path), or all
        last = (exc.field or "").rsplit(".", 1)[-1].split("[", 1)[0]
        at_fault = [p for p in overrides if p.rsplit(".", 1)[-1] == last] or list(overrides)
        paths = ", ".join(f"set.{p}" for p in at_fault)
        raise SpecError(source, paths, f"gives an invalid design ({exc.field}: {exc.message})") from None
