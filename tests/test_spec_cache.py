"""Spec files are parsed once per content in a process (issue 11): the same file gives
the same frozen spec object, and a changed file is read again."""

from __future__ import annotations

from pathlib import Path

from xrsim.hardware import load_hardware
from xrsim.hardware.library import builtin_hardware_dir
from xrsim.workload import load_scenario


def test_a_built_in_spec_is_parsed_once() -> None:
    assert load_hardware("xrbench-8k-M") is load_hardware("xrbench-8k-M")
    first, again = load_scenario("ar_assistant"), load_scenario("ar_assistant")
    assert first.spec is again.spec
    assert all(first.models[m] is again.models[m] for m in first.models)


def test_a_changed_file_is_read_again(tmp_path: Path) -> None:
    text = (builtin_hardware_dir() / "xrbench-4k-A.yaml").read_text()
    path = tmp_path / "hw.yaml"
    path.write_text(text)
    assert load_hardware(path).name == "xrbench-4k-A"
    path.write_text(text.replace("name: xrbench-4k-A", "name: changed"))
    assert load_hardware(path).name == "changed"
