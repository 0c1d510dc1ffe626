"""docs/hardware_spec.md documents every hardware-spec field with the default the code has."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from xrsim.hardware.energy import EnergyTable
from xrsim.hardware.spec import DramSpec, HardwareSystem, SubAccelerator

DOC = Path(__file__).resolve().parent.parent / "docs" / "hardware_spec.md"
SECTIONS = {"The system": HardwareSystem, "`dram`": DramSpec, "Each sub-accelerator": SubAccelerator,
            "An inline energy table": EnergyTable}


def _tables() -> dict[str, dict[str, str]]:
    """Section heading -> {field: default cell} of its table."""
    tables: dict[str, dict[str, str]] = {}
    rows: dict[str, str] = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            rows = tables.setdefault(line[3:].strip(), {})
        match = re.fullmatch(r"\| `(\w+)` \| ([^|]+) \|.*", line)
        if match:
            rows[match.group(1)] = match.group(2).strip()
    return tables


@pytest.mark.parametrize(("section", "cls"), SECTIONS.items())
def test_every_field_is_documented_with_its_default(section: str, cls: type[BaseModel]) -> None:
    rows = _tables()[section]
    assert set(rows) == set(cls.model_fields)
    for name, info in cls.model_fields.items():
        cell = rows[name]
        if info.default is PydanticUndefined:
            assert cell.startswith("required"), (name, cell)
        elif info.default is not None:
            shown = re.match(r"`([^`]+)`", cell)
            assert shown is not None and yaml.safe_load(shown.group(1)) == info.default, (name, cell)
