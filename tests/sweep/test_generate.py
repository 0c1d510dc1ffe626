"""The design generator: it reproduces the 26 XRBench designs, removes symmetric duplicates,
names designs stably, refuses what it cannot build with the field at fault, and writes
designs as hardware spec files that xrsim reads back unchanged."""

from __future__ import annotations

import itertools
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from xrsim.errors import SpecError
from xrsim.hardware import HardwareSystem, SubAccelerator, list_hardware, load_hardware
from xrsim.specio import read_yaml
from xrsim.sweep.generate import (
    SUB_KEYS,
    dataflow_assignments,
    design_yaml,
    generate_designs,
    load_generate_spec,
    pe_shares,
)

# XRBench Figure 5 (the paper's configuration, as hardware_specs/xrbench-*.yaml encode it):
# letter -> (split, dataflows per sub-accelerator).
LETTERS = {
    "A": ("single", "WS"), "B": ("single", "OS"), "C": ("single", "RS"),
    "D": ("dual", "WS WS"), "E": ("dual", "OS OS"), "F": ("dual", "RS RS"),
    "G": ("quad", "WS WS WS WS"), "H": ("quad", "OS OS OS OS"), "I": ("quad", "RS RS RS RS"),
    "J": ("dual", "WS OS"), "K": ("big_little", "WS OS"), "L": ("little_big", "WS OS"),
    "M": ("quad", "WS OS WS OS"),
}
# Per-sub-accelerator parameters by PE budget and split:
# (pe_buffer_bytes, global_buffer_kib, noc_words_per_cycle).
_DUAL_4K, _DUAL_8K = (8192, 2048, 128), (16384, 4096, 256)
XRBENCH_SUB = {
    (4096, "single"): (8192, 4096, 256),
    (4096, "dual"): _DUAL_4K, (4096, "big_little"): _DUAL_4K, (4096, "little_big"): _DUAL_4K,
    (4096, "quad"): (8192, 2048, 128),
    (8192, "single"): (16384, 8192, 256),
    (8192, "dual"): _DUAL_8K, (8192, "big_little"): _DUAL_8K, (8192, "little_big"): _DUAL_8K,
    (8192, "quad"): (8192, 4096, 256),
}
# Every design: 128 GB/s unshared DRAM (the reference's 128 words/cycle link at 1 GHz),
# NVDLA-style WS, the XRBench MAESTRO energy table, 1 GHz, 8-bit words.
XRBENCH_COMMON = {"dram_gb_per_s": 128, "ws_variant": "nvdla", "energy_table": "xrbench-maestro"}

BASE = {"pe_budget": 4096, "split": "dual", "global_buffer_kib": 2048, "noc_words_per_cycle": 128,
        "dram_gb_per_s": 128}


def generate(**keys: Any) -> list[HardwareSystem]:
    return generate_designs(load_generate_spec({**BASE, **keys}, "sweep.yaml"), "sweep.yaml")


def comparable(system: HardwareSystem) -> dict[str, Any]:
    """Every field but the names and provenance; arrays by their shape, set or derived."""
    data = system.model_dump(exclude={"name", "description", "source"})
    for sub, model in zip(data["sub_accelerators"], system.sub_accelerators, strict=True):
        sub["array"] = (model.rows, model.cols)
    return data


@pytest.mark.parametrize("budget", [4096, 8192])
@pytest.mark.parametrize("letter", sorted(LETTERS))
def test_reproduces_the_xrbench_designs(letter: str, budget: int) -> None:
    split, flows = LETTERS[letter]
    pe_buffer, buffer_kib, noc = XRBENCH_SUB[(budget, split)]
    (design,) = generate(pe_budget=budget, split=split, dataflows=flows.split(), pe_buffer_bytes=pe_buffer,
                         global_buffer_kib=buffer_kib, noc_words_per_cycle=noc, **XRBENCH_COMMON)
    builtin = load_hardware(f"xrbench-{budget // 1024}k-{letter}")
    assert comparable(design) == comparable(builtin)
    assert all(sub.array is not None for sub in design.sub_accelerators)


def test_all_dataflows_include_every_builtin_design_up_to_symmetry() -> None:
    designs = generate(pe_budget=4096, split=["single", "dual", "quad", "big_little", "little_big"],
                       pe_buffer_bytes=8192, **XRBENCH_COMMON)
    found = {(tuple(s.num_pes for s in d.sub_accelerators), tuple(s.dataflow for s in d.sub_accelerators))
             for d in designs}
    for letter in LETTERS:
        subs = load_hardware(f"xrbench-4k-{letter}").sub_accelerators
        pes = tuple(s.num_pes for s in subs)
        # equal-size sub-accelerators are interchangeable: the generator keeps one order
        assert any(p == pes and sorted(zip(p, f, strict=True)) ==
                   sorted((s.num_pes, s.dataflow) for s in subs) for p, f in found), letter


@pytest.mark.parametrize(("split", "count"), [
    ("single", 3), ("dual", 6), ("quad", 15), ("big_little", 9), ("little_big", 9),
    ([0.5, 0.25, 0.25], 3 * 6),
])
def test_symmetric_duplicates_removed(split: object, count: int) -> None:
    designs = generate(split=split)
    assert len(designs) == count
    assert len({d.name for d in designs}) == count


@pytest.mark.parametrize("shares", [(1,), (2, 2), (4, 4, 4, 4), (3, 1), (2, 1, 1), (1, 2, 1),
                                    (2, 2, 1, 1, 2)])
def test_assignments_are_one_per_symmetry_class(shares: tuple[int, ...]) -> None:
    """Against brute force: every assignment, made canonical by sorting within each group."""
    choices = ("WS", "OS", "RS", "IS")

    def canonical(flows: tuple[str, ...]) -> tuple[tuple[int, tuple[str, ...]], ...]:
        return tuple(sorted((n, tuple(sorted(f for f, m in zip(flows, shares, strict=True) if m == n)))
                            for n in set(shares)))

    every = {canonical(f) for f in itertools.product(choices, repeat=len(shares))}
    generated = dataflow_assignments(shares, choices)
    assert len(generated) == len(every)
    assert {canonical(f) for f in generated} == every


def test_dataflow_choices_and_case() -> None:
    designs = generate(dataflow_choices=["ws", "Os", "RS", "is"])
    assert len(designs) == 10  # multisets of 2 from 4
    (design,) = generate(dataflows=["ws", "os"])
    assert [s.dataflow for s in design.sub_accelerators] == ["WS", "OS"]
    assert len(generate(split="quad", dataflows="ALL", dataflow_choices=["WS", "OS"])) == 5


def test_names_order_and_determinism() -> None:
    keys = {"pe_budget": [4096, 8192], "split": ["single", "big_little"], "global_buffer_kib": [1024, 2048]}
    names = [d.name for d in generate(**keys)]
    assert names == [d.name for d in generate(**keys)]
    assert len(names) == len(set(names)) == 2 * (3 + 9) * 2
    assert names[:8] == [
        "g4096-single-WS-gb1024", "g4096-single-WS-gb2048", "g4096-single-OS-gb1024",
        "g4096-single-OS-gb2048", "g4096-single-RS-gb1024", "g4096-single-RS-gb2048",
        "g4096-big_little-WS+WS-gb1024", "g4096-big_little-WS+WS-gb2048",
    ]
    assert names[-1] == "g8192-big_little-RS+RS-gb2048"


def test_name_tags_and_prefix() -> None:
    designs = generate(name_prefix="study", split=[[0.5, 0.25, 0.25]], dataflows=[["WS", "OS", "OS"]],
                       dram_shared=[False, True], clock_ghz=[1, 1.5], vector_lanes=[None, 64],
                       energy_table=["xrbench-maestro", "accelergy-65nm"])
    assert designs[0].name == "study-g4096-p50_25_25-WS+OS+OS-xrbench-maestro-dram-private-clk1-lanes-cols"
    assert designs[-1].name == "study-g4096-p50_25_25-WS+OS+OS-accelergy-65nm-dram-shared-clk1.5-lanes64"
    assert len({d.name for d in designs}) == len(designs) == 16
    assert [s.name for s in designs[0].sub_accelerators] == ["acc0", "acc1", "acc2"]
    description = designs[0].description or ""
    assert "4096 PEs" in description and "acc2 OS 1024 PEs (32 x 32)" in description


def test_hardware_keys_reach_the_design() -> None:
    (design,) = generate(split="big_little", dataflows=["WS", "RS"], ws_variant="nvdla", clock_ghz=0.8,
                         word_bits=16, pe_buffer_bytes=512, vector_lanes=32, rs_overhead=1.0, overlap=0.5,
                         dram_gb_per_s=64, dram_shared=True, energy_table="accelergy-65nm")
    ws, rs = design.sub_accelerators
    assert (ws.ws_variant, rs.ws_variant) == ("nvdla", "systolic")  # WS sub-accelerators only
    assert (ws.num_pes, ws.array, rs.num_pes, rs.array) == (3072, (48, 64), 1024, (32, 32))
    for sub in (ws, rs):
        assert (sub.clock_ghz, sub.word_bits, sub.pe_buffer_bytes, sub.vector_lanes, sub.rs_overhead,
                sub.overlap, sub.global_buffer_kib, sub.noc_words_per_cycle) == \
               (0.8, 16, 512, 32, 1.0, 0.5, 2048, 128)
    assert (design.dram.bandwidth_gb_per_s, design.dram.shared, design.energy_table) == \
           (64, True, "accelergy-65nm")
    assert design.source == "xrsim.sweep.generate from sweep.yaml"


def test_every_sub_accelerator_key_can_be_generated() -> None:
    assert set(SUB_KEYS) == set(SubAccelerator.model_fields) - {"name", "dataflow", "num_pes", "array"}


@pytest.mark.parametrize(("budget", "fractions", "multiple", "expected"), [
    (4096, (0.75, 0.25), 1, (3072, 1024)),
    (4096, (1 / 3, 1 / 3, 1 / 3), 1, (1366, 1365, 1365)),  # exact total; the first gets the rest
    (4096, (0.3, 0.3, 0.4), 64, (1216, 1216, 1664)),
    (1000, (0.503, 0.497), 8, (504, 496)),
    (64, (0.9999, 0.0001), 1, (64, 0)),
])
def test_pe_shares_add_up_to_the_budget(budget: int, fractions: tuple[float, ...], multiple: int,
                                        expected: tuple[int, ...]) -> None:
    shares = pe_shares(budget, fractions, multiple)
    assert shares == expected and sum(shares) == budget
    for share, fraction in zip(shares, fractions, strict=True):
        assert share % multiple == 0 and abs(share - fraction * budget) < multiple


def test_pe_multiple_and_max_aspect_rescue_awkward_counts() -> None:
    with pytest.raises(SpecError, match=r"acc0 503 PEs.*1 x 503.*pe_multiple"):
        generate(pe_budget=1000, split=[0.503, 0.497])
    design = generate(pe_budget=1000, split=[0.503, 0.497], pe_multiple=8, dataflows=["WS", "OS"])[0]
    assert [s.array for s in design.sub_accelerators] == [(21, 24), (16, 31)]
    wide = generate(pe_budget=4098, dataflows=["WS", "OS"], max_aspect=300)[0]  # 2049 = 3 x 683
    assert [s.array for s in wide.sub_accelerators] == [(3, 683), (3, 683)]


@pytest.mark.parametrize(("keys", "field", "needle"), [
    ({"split": "hexa"}, "split", "unknown split 'hexa'"),
    ({"split": ["dual", "hexa"]}, "split", "unknown split 'hexa'"),
    ({"split": [0.5, 0.4]}, "split", "sum to 0.9, not 1"),
    ({"split": [[0.5, 0.5], [0.5, 0.6]]}, "split", "sum to 1.1, not 1"),
    ({"split": [0.5, 0.5, 0]}, "split[2]", "greater than 0"),
    ({"split": 3}, "split", "expected a split name or a list of fractions"),
    ({"dataflows": ["WS"]}, "dataflows", "WS has 1 dataflow(s) but split dual has 2"),
    ({"split": ["single", "dual"], "dataflows": [["WS"], ["WS", "OS"]]}, "dataflows", "split single has 1"),
    ({"dataflows": ["WS", "XS"]}, "dataflows", "unknown dataflow 'XS'"),
    ({"dataflows": "some"}, "dataflows", "expected 'all'"),
    ({"dataflow_choices": ["WS", "XS"]}, "dataflow_choices[1]", "'WS', 'OS', 'RS' or 'IS'"),
    ({"pe_budget": 4099, "split": "single"}, "pe_budget", "4099 PEs is 1 x 4099"),
    ({"pe_budget": 4098}, "split", "acc0 2049 PEs: the most square array of 2049 PEs is 3 x 683"),
    ({"pe_budget": 64, "split": [0.9999, 0.0001]}, "split", "gives acc1 0 PEs"),
    ({"pe_budget": 4100, "pe_multiple": 64}, "pe_budget", "not a multiple of pe_multiple 64"),
    ({"splt": "dual"}, "splt", "unknown field"),
    ({"global_buffer_kib": -1}, "global_buffer_kib", "greater than 0"),
    ({"global_buffer_kib": [1024, -1]}, "global_buffer_kib[1]", "greater than 0"),
    ({"global_buffer_kib": [1024, 1024.0]}, "global_buffer_kib", "repeated value(s): gb1024"),
    ({"energy_table": "7nm-magic"}, "energy_table", "unknown energy table '7nm-magic'"),
    ({"ws_variant": "tpu"}, "ws_variant", "'systolic' or 'nvdla'"),
    ({"max_aspect": 0.5}, "max_aspect", "greater than or equal to 1"),
])
def test_errors_name_the_field(keys: dict[str, Any], field: str, needle: str) -> None:
    with pytest.raises(SpecError) as info:
        load_generate_spec({**BASE, **keys}, "sweep.yaml", "designs[2].generate")
    assert info.value.source == "sweep.yaml"
    assert info.value.field == f"designs[2].generate.{field}"
    assert needle in info.value.message, info.value.message


def test_missing_keys_and_non_mapping() -> None:
    with pytest.raises(SpecError) as info:
        load_generate_spec({"pe_budget": 4096, "split": "dual"}, "sweep.yaml")
    assert info.value.field == "generate.dram_gb_per_s" and "required" in info.value.message
    with pytest.raises(SpecError, match=r"designs\[0\]\.generate: expected a mapping"):
        load_generate_spec(["dual"], "sweep.yaml", "designs[0].generate")  # type: ignore[arg-type]


def test_the_documented_example(tmp_path: Path) -> None:
    path = tmp_path / "sweep.yaml"
    path.write_text("""\
pe_budget: 4096
split: [single, dual, quad, big_little, little_big, [0.5, 0.25, 0.25]]
dataflows: all
global_buffer_kib: [1024, 2048]
pe_buffer_bytes: 8192
noc_words_per_cycle: 128
dram_gb_per_s: 128
clock_ghz: 1.0
ws_variant: nvdla
""")
    designs = generate_designs(load_generate_spec(read_yaml(path), path), path)
    assert len(designs) == 2 * (3 + 6 + 15 + 9 + 9 + 18)
    assert len({d.name for d in designs}) == len(designs)
    assert all(d.total_pes == 4096 for d in designs)


def test_yaml_round_trip(tmp_path: Path) -> None:
    designs = generate(split=["dual", [0.5, 0.25, 0.25]], global_buffer_kib=[1024, 1536.5],
                       ws_variant="nvdla", vector_lanes=[None, 48], rs_overhead=1.0, overlap=0.75,
                       dram_gb_per_s=1e-3)
    for design in designs:
        path = tmp_path / f"{design.name}.yaml"
        path.write_text(design_yaml(design))
        assert load_hardware(path) == design


@pytest.mark.parametrize("name", [n for n in list_hardware() if n.startswith("xrbench-")])
def test_yaml_round_trip_of_builtin_designs(tmp_path: Path, name: str) -> None:
    path = tmp_path / "design.yaml"
    path.write_text(design_yaml(load_hardware(name)))
    assert load_hardware(path) == load_hardware(name)


def test_generated_file_validates_on_the_command_line(tmp_path: Path) -> None:
    design = generate(split="big_little", dataflows=["WS", "OS"])[0]
    path = tmp_path / "design.yaml"
    path.write_text(design_yaml(design))
    done = subprocess.run([sys.executable, "-m", "xrsim", "validate", str(path)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert f"hardware system '{design.name}'" in done.stdout


def test_node_memory_type_and_power_gating_keys() -> None:
    designs = generate(split="single", dataflows=["WS"], technology_nm=[28, 16], dram_memory_type="HBM3",
                       power_gating=[None, {"enabled": True, "wake_up_us": 5}])
    assert [d.name for d in designs] == ["g4096-single-WS-n28-ungated", "g4096-single-WS-n28-gated5",
                                         "g4096-single-WS-n16-ungated", "g4096-single-WS-n16-gated5"]
    assert [d.technology_nm for d in designs] == [28, 28, 16, 16]
    assert {d.dram.memory_type for d in designs} == {"HBM3"}
    assert [d.sub_accelerators[0].wake_up_s for d in designs] == pytest.approx([0.0, 5e-6, 0.0, 5e-6])


def test_a_power_gating_label_from_a_search_point() -> None:
    # a search space gives the raw mapping, not the validated spec
    from xrsim.sweep.generate import _value_label

    assert _value_label("power_gating", {"wake_up_us": 5}) == "gated5"
    assert _value_label("power_gating", {"enabled": False, "wake_up_us": 5}) == "ungated"
    assert _value_label("power_gating", None) == "ungated"


def test_operating_points_keys() -> None:
    points = [{"clock_ghz": 0.5, "voltage_v": 0.6}, {"clock_ghz": 1.0, "voltage_v": 0.8}]
    designs = generate(split="single", dataflows=["WS"], operating_points=points, operating_point=[None, 0])
    assert [d.name for d in designs] == ["g4096-single-WS-opnom", "g4096-single-WS-op0"]
    assert [d.sub_accelerators[0].selected_point for d in designs] == [1, 0]
    single = generate(split="single", dataflows=["WS"], operating_points=[None, points])
    assert [d.name for d in single] == ["g4096-single-WS-nodvfs", "g4096-single-WS-dvfs2"]
