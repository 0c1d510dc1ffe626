"""Named energy tables hold their sources' numbers, and systems select them by name."""

from __future__ import annotations

import pytest

from xrsim.errors import SpecError
from xrsim.hardware import ENERGY_TABLES, load_hardware
from xrsim.hardware.library import load_hardware_file


def test_eyeriss_normalised_is_1_1_2_6_200_per_16_bit_word() -> None:
    # Eyeriss (Chen, Emer, Sze, ISCA 2016), normalised costs:
    # MAC : RF : NoC : GLB : DRAM = 1 : 1 : 2 : 6 : 200
    t = ENERGY_TABLES["eyeriss-65nm-normalised"]
    assert (t.mac_pj, t.rf_pj, t.noc_pj_per_word, t.glb_pj, 2 * t.dram_pj_per_byte) == (1, 1, 2, 6, 200)


def test_accelergy_65nm_is_derived_from_the_eyeriss_like_ert() -> None:
    # Accelergy's Eyeriss-like energy reference table (Wu, Emer, Sze, ICCAD 2019):
    # intmac 0.208; spads 1.977 / 0.202 / 0.251 / 0.219; GLB 18.18 read,
    # 14.14 write per 64 bits; LPDDR4 512 pJ per 64-bit access
    t = ENERGY_TABLES["accelergy-65nm"]
    assert t.mac_pj == 0.208
    assert t.rf_pj == pytest.approx(2.649 / 4)
    assert t.glb_pj == pytest.approx(32.32 / 16)
    assert t.dram_pj_per_byte == 64


def test_xrbench_maestro_multipliers() -> None:
    # the XRBench fork of MAESTRO (Kwon et al., MICRO 2019) energy constants:
    # MAC 2.88 pJ, L1 0.55x, L2 6x, DRAM 75x
    t = ENERGY_TABLES["xrbench-maestro"]
    assert (t.rf_pj / t.mac_pj, t.glb_pj / t.mac_pj, t.dram_pj_per_byte / t.mac_pj) == pytest.approx(
        (0.55, 6.0, 75.0))
    assert t.mac_pj == 2.88


def test_a_system_selects_a_table_by_name_and_rejects_unknown_ones(tmp_path) -> None:
    text = """name: s
energy_table: {table}
dram: {{bandwidth_gb_per_s: 16}}
sub_accelerators:
  - {{name: a, dataflow: RS, num_pes: 168, global_buffer_kib: 108, noc_words_per_cycle: 14}}
"""
    good = tmp_path / "good.yaml"
    good.write_text(text.format(table="eyeriss-65nm-normalised"))
    system = load_hardware_file(good)
    assert system.energy.name == "eyeriss-65nm-normalised"
    sub = system.sub_accelerators[0]  # new fields default: existing YAML loads unchanged
    assert (sub.ws_variant, sub.rs_overhead, sub.overlap) == ("systolic", 1.136, 1.0)
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.format(table="eyeriss-28nm"))
    with pytest.raises(SpecError, match="unknown energy table"):
        load_hardware_file(bad)


def test_xrbench_designs_use_the_nvdla_style_ws() -> None:
    # the XRBench reference's WS is NVDLA-like (K and C spatial, outputs temporal)
    for name in ("xrbench-4k-A", "xrbench-8k-M"):
        for sub in load_hardware(name).sub_accelerators:
            assert sub.ws_variant == ("nvdla" if sub.dataflow == "WS" else "systolic")
