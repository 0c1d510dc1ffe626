"""The area and leakage model (xrsim/hardware/physical.py; docs/cost_model.md, section 8):
hand-worked figures, how it grows and shrinks, the node's bounds, and the comparison with
published accelerators that the doc states."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import pytest

from xrsim import units
from xrsim.errors import SpecError
from xrsim.hardware import HardwareSystem, list_hardware, load_hardware
from xrsim.hardware.library import load_hardware_file
from xrsim.hardware.physical import leakage_w, mac_um2_40nm, sub_area, system_area
from xrsim.hardware.spec import DEFAULT_TECHNOLOGY_NM

DOC = Path(__file__).resolve().parents[2] / "docs" / "cost_model.md"


def design(node: int = 28, pes: int = 64, array: tuple[int, int] | None = None, bits: int = 8,
           pe_bytes: int = 0, kib: float = 128, noc: float = 16, **system: Any) -> HardwareSystem:
    sub = {"name": "a", "dataflow": "WS", "num_pes": pes, "word_bits": bits, "pe_buffer_bytes": pe_bytes,
           "global_buffer_kib": kib, "noc_words_per_cycle": noc}
    if array is not None:
        sub["array"] = array
    return HardwareSystem.model_validate({"name": "t", "technology_nm": node,
                                         "dram": {"bandwidth_gb_per_s": 25.6}, "sub_accelerators": [sub],
                                         **system})


def area_mm2(system: HardwareSystem) -> dict[str, float]:
    return sub_area(system.sub_accelerators[0], system).to_dict()


def test_mac_area_by_hand() -> None:
    # 8-bit: multiplier 6350 x (8/32)^2 = 396.875, adder of 24 bits 278 x 24/32 = 208.5,
    # registers 8 + 8 + 24 bits x 5.98 = 239.2 -> 844.575 um^2 at 40 nm
    assert mac_um2_40nm(8) == pytest.approx(844.575)
    # 16-bit: 1587.5 + 278 x 40/32 (347.5) + 5.98 x 72 (430.56) = 2365.56
    assert mac_um2_40nm(16) == pytest.approx(2365.56)


def test_terms_by_hand_at_45nm() -> None:
    # 45 nm: area factor 1; 40 nm sits between 45 (1) and 32 (0.46) in log-log.
    f40 = math.exp(math.log(0.46) * math.log(40 / 45) / math.log(32 / 45))  # 0.7652
    s = 1 / f40 / 0.7  # logic scale from 40 nm cells to placed 45 nm logic
    a = area_mm2(design(node=45, pes=64, array=(8, 8), kib=1024, noc=16))
    assert a["pe_datapath_mm2"] == pytest.approx(64 * 844.575e-6 * s)
    assert a["global_buffer_mm2"] == pytest.approx(3.6)  # 1 MiB at CACTI's 45 nm
    assert a["noc_mm2"] == pytest.approx(16 * 8 * (8 + 8) * 5.98e-6 * s)
    assert a["pe_buffers_mm2"] == 0.0
    assert a["dram_phy_mm2"] == pytest.approx(25.6 * 10.45 / 409.6)
    assert a["area_mm2"] == pytest.approx(sum(v for k, v in a.items() if k != "area_mm2"))


def test_pe_buffer_is_flip_flops_when_small_and_a_macro_when_large() -> None:
    f40 = math.exp(math.log(0.46) * math.log(40 / 45) / math.log(32 / 45))
    flop_byte = 8 * 5.98e-6 / f40 / 0.7  # mm^2 at 45 nm
    sram_byte = 3.6 / 2**20
    small = area_mm2(design(node=45, pes=1, array=(1, 1), pe_bytes=64))["pe_buffers_mm2"]
    assert small == pytest.approx(64 * flop_byte)
    large = area_mm2(design(node=45, pes=1, array=(1, 1), pe_bytes=8192))["pe_buffers_mm2"]
    assert large == pytest.approx(512 * (flop_byte - sram_byte) + 8192 * sram_byte)
    at_512 = area_mm2(design(node=45, pes=1, array=(1, 1), pe_bytes=512))["pe_buffers_mm2"]
    assert at_512 == pytest.approx(512 * flop_byte)  # the two forms meet at 512 B


def test_sram_density_is_interpolated_and_extrapolated_below_cacti() -> None:
    at_28 = area_mm2(design(node=28, kib=1024))["global_buffer_mm2"]
    t = math.log(28 / 22) / math.log(32 / 22)
    assert at_28 == pytest.approx(math.exp(math.log(0.95) + t * math.log(1.9 / 0.95)))  # 1.484
    at_7 = area_mm2(design(node=7, kib=1024))["global_buffer_mm2"]
    t20 = math.log(22 / 20) / math.log(32 / 20)
    f22 = math.exp(math.log(0.21) + t20 * math.log(0.46 / 0.21))
    assert at_7 == pytest.approx(0.95 * 0.059 / f22)


SIZES = [dict(pes=64), dict(pes=256), dict(pes=1024)]


@pytest.mark.parametrize("what", ["area", "leakage"])
def test_grows_with_pes_and_sram_and_shrinks_with_the_node(what: str) -> None:
    def value(s: HardwareSystem) -> float:
        sub = s.sub_accelerators[0]
        return sub_area(sub, s).core_m2 if what == "area" else leakage_w(sub, s)

    by_pes = [value(design(pes=p, pe_bytes=256)) for p in (64, 256, 1024)]
    by_sram = [value(design(kib=k)) for k in (64, 512, 4096)]
    by_pe_buffer = [value(design(pe_bytes=b)) for b in (0, 256, 512, 2048, 8192)]
    by_node = [value(design(node=n, pe_bytes=512)) for n in (65, 45, 40, 32, 28, 22, 16, 10, 7)]
    assert by_pes == sorted(by_pes) and len(set(by_pes)) == 3
    assert by_sram == sorted(by_sram) and len(set(by_sram)) == 3
    assert by_pe_buffer == sorted(by_pe_buffer) and len(set(by_pe_buffer)) == 5
    assert by_node == sorted(by_node, reverse=True) and len(set(by_node)) == 9


def test_leakage_by_hand_at_40nm_equivalent() -> None:
    # Aladdin 40 nm: (77.9 + 2.25 + 0.074) uW over (6350 + 278 + 5.98) um^2 = 12.09 mW/mm^2.
    density = (0.0779 + 0.00225 + 0.000074) / (6350 + 278 + 5.98) * 1e6  # mW per mm^2
    s = design(node=45, kib=1024, pe_bytes=0)
    sub = s.sub_accelerators[0]
    f40 = math.exp(math.log(0.46) * math.log(40 / 45) / math.log(32 / 45))

    def energy(a: float, b: float, c: float) -> float:
        return a * 0.8**2 + b * 0.8 + c

    e45, e32 = energy(1.103, -0.362, 0.2767), energy(0.9559, -0.7823, 0.471)
    e40 = math.exp(math.log(e45) + math.log(40 / 45) / math.log(32 / 45) * math.log(e32 / e45))
    core_40 = units.m2_to_mm2(sub_area(sub, s).core_m2) * f40
    assert leakage_w(sub, s) == pytest.approx(core_40 * density * 1e-3 * e45 / e40)
    extra = s.model_copy(update={"energy_table": s.energy.model_copy(update={"static_mw": 5.0})})
    assert leakage_w(sub, extra) == pytest.approx(leakage_w(sub, s) + 5e-3)


def test_shared_dram_has_one_phy_for_the_system() -> None:
    two = {"name": "t", "dram": {"bandwidth_gb_per_s": 40.96, "shared": True}, "sub_accelerators": [
        {"name": n, "dataflow": "WS", "num_pes": 16, "global_buffer_kib": 64, "noc_words_per_cycle": 8}
        for n in ("a", "b")]}
    shared = system_area(HardwareSystem.model_validate(two)).to_dict()
    assert shared["dram_phy_mm2"] == pytest.approx(1.045)
    assert all(s["dram_phy_mm2"] == 0.0 for s in shared["sub_accelerators"].values())
    two["dram"]["shared"] = False
    unshared = system_area(HardwareSystem.model_validate(two)).to_dict()
    assert unshared["dram_phy_mm2"] == pytest.approx(2 * 1.045)


def test_built_in_designs_load_at_the_default_node() -> None:
    assert DEFAULT_TECHNOLOGY_NM == 28
    for name in list_hardware():
        system = load_hardware(name)
        assert system.technology_nm == 28
        assert system_area(system).total_m2 > 0


@pytest.mark.parametrize("node", [5, 66, 90])
def test_a_node_outside_the_tables_names_the_file_and_field(tmp_path: Path, node: int) -> None:
    path = tmp_path / "chip.yaml"
    path.write_text(f"name: chip\ntechnology_nm: {node}\ndram: {{bandwidth_gb_per_s: 16}}\n"
                    "sub_accelerators:\n  - {name: a, dataflow: WS, num_pes: 16, global_buffer_kib: 64,"
                    " noc_words_per_cycle: 8}\n")
    with pytest.raises(SpecError) as caught:
        load_hardware_file(path)
    message = str(caught.value)
    assert "chip.yaml" in message and "technology_nm" in message and "7 to 65 nm" in message


def test_memory_type_sets_dram_energy_per_byte() -> None:
    base = load_hardware("xrbench-4k-A")
    assert base.energy.dram_pj_per_byte == pytest.approx(75 * 2.88)  # the table's, unchanged
    for kind, pj_per_bit in (("LPDDR4", 8.0), ("LPDDR5", 6.4), ("HBM2", 6.25), ("HBM3", 4.05)):
        data = base.model_dump()
        data["dram"]["memory_type"] = kind
        assert HardwareSystem.model_validate(data).energy.dram_pj_per_byte == pytest.approx(8 * pj_per_bit)


# -- the comparison with published accelerators (docs/cost_model.md, section 8) ------------

PUBLISHED = {
    "Eyeriss v1": (design(node=65, pes=168, array=(12, 14), bits=16, pe_bytes=520, kib=108, noc=26), 12.25),
    "TPU v1": (design(node=28, pes=65536, array=(256, 256), kib=28 * 1024, noc=512), 0.67 * 331),
    "NVDLA, 2048 MACs": (design(node=28, pes=2048, array=(32, 64), kib=512, noc=96), 5.5),
    "NVDLA, 64 MACs": (design(node=28, pes=64, array=(8, 8), kib=128, noc=16), 0.91),
}


def _documented_errors() -> dict[str, float]:
    text = DOC.read_text(encoding="utf-8").split("### Against published accelerators", 1)[1]
    rows = re.findall(r"^\| ([^|]+?) \|.*\| ([+-]\d+\.\d) % \|$", text, flags=re.MULTILINE)
    return {name: float(error) for name, error in rows}


def test_published_comparison_errors_are_the_documented_ones() -> None:
    documented = _documented_errors()
    assert set(documented) == set(PUBLISHED)
    for name, (system, published_mm2) in PUBLISHED.items():
        model = units.m2_to_mm2(sub_area(system.sub_accelerators[0], system).core_m2)
        error = 100 * (model - published_mm2) / published_mm2
        assert abs(error - documented[name]) <= 0.5, (name, model, error)


def test_leakage_scales_with_voltage_for_dvfs() -> None:
    s = design(pe_bytes=512)
    sub = s.sub_accelerators[0]
    assert leakage_w(sub, s, voltage_v=0.8) == pytest.approx(leakage_w(sub, s))
    assert leakage_w(sub, s, voltage_v=0.6) == pytest.approx(leakage_w(sub, s) * 0.75)


def test_memory_type_changes_analytical_energy_by_its_dram_bytes() -> None:
    from xrsim.cost.analytical import AnalyticalCostModel
    from xrsim.workload.library import load_model

    model = load_model("GE_FBNet_C")
    costs = {}
    for kind in ("LPDDR4", "HBM3"):
        data = load_hardware("xrbench-4k-A").model_dump()
        data["dram"]["memory_type"] = kind
        s = HardwareSystem.model_validate(data)
        costs[kind] = AnalyticalCostModel().model_cost(model, s.sub_accelerators[0], s)
    lp, hbm = costs["LPDDR4"], costs["HBM3"]
    assert lp.dram_bytes == hbm.dram_bytes and lp.latency_s == hbm.latency_s
    assert lp.dram_energy_j == pytest.approx(lp.dram_bytes * 8 * 8e-12)
    assert lp.energy_j - hbm.energy_j == pytest.approx(lp.dram_bytes * 8 * (8.0 - 4.05) * 1e-12)


def test_leakage_scale_and_static_mw_of_the_energy_table() -> None:
    s = design(pe_bytes=512)
    sub = s.sub_accelerators[0]
    area_based = leakage_w(sub, s)
    table = {"name": "lp", "mac_pj": 0.2, "rf_pj": 0.1, "noc_pj_per_word": 0.0, "glb_pj": 1.0,
             "dram_pj_per_byte": 64.0, "leakage_scale": 0.1, "static_mw": 2.0}
    lp = HardwareSystem.model_validate({**s.model_dump(), "energy_table": table})
    assert leakage_w(sub, lp) == pytest.approx(0.1 * area_based + 2e-3)
