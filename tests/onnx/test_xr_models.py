"""The XR networks built from their papers by scripts/make_xr_models.py: the committed
model files are what the script writes, their MACs are the papers', and the scenario that
uses them runs."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from xrsim import simulate
from xrsim.hardware import load_hardware
from xrsim.workload import load_scenario
from xrsim.workload.library import builtin_models_dir, load_model

ROOT = Path(__file__).resolve().parents[2]


def _script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("make_xr_models", ROOT / "scripts" / "make_xr_models.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BYO = ROOT / "experiments" / "byo_network"


def test_committed_files_are_what_the_script_builds(tmp_path: Path) -> None:
    written = _script().build(tmp_path, tmp_path)
    assert [p.name for p in written] == ["OC_MobileNetV3_Small.onnx", "OC_MobileNetV3_Small.yaml",
                                         "SU_DeiT_Tiny.onnx", "SU_DeiT_Tiny.yaml"]
    for path in written:
        committed = (BYO if path.suffix == ".onnx" else builtin_models_dir()) / path.name
        assert path.read_bytes() == committed.read_bytes(), path.name


def test_mobilenet_v3_small_has_the_papers_multiply_adds() -> None:
    # Howard et al., ICCV 2019, Table 3: MobileNetV3-Small 1.0 at 224 x 224, 56 M MAdds
    macs = load_model("OC_MobileNetV3_Small").total_macs
    assert abs(macs / 56e6 - 1) < 0.02


def test_deit_tiny_has_the_papers_flops() -> None:
    # Touvron et al., ICML 2021, Table 1: DeiT-Ti 1.3 G (multiply-adds, to the paper's one decimal)
    model = load_model("SU_DeiT_Tiny")
    assert round(model.total_macs / 1e9, 1) == 1.3
    # by hand: 12 blocks of QKV + projection (4 T W^2), attention (2 T^2 W) and MLP (2 T W 4W)
    # with T = 197 tokens and W = 192, the 16 x 16 patch embedding and the 1000-way head
    t, w = 197, 192
    blocks = 12 * (4 * t * w * w + 2 * t * t * w + 2 * t * w * 4 * w)
    assert model.total_macs == blocks + 196 * w * 16 * 16 * 3 + w * 1000
    assert sum(layer.type == "attention_matmul" for layer in model.layers) == 24


def test_the_scenario_that_uses_them_runs() -> None:
    scenario = load_scenario("ar_contextual_ai")
    assert {"OC_MobileNetV3_Small", "SU_DeiT_Tiny"} <= set(scenario.models)
    result = simulate(load_hardware("xrbench-8k-M"), scenario, duration_s=0.5)
    assert {r.model for r in result.trace.records} >= {"OC_MobileNetV3_Small", "SU_DeiT_Tiny"}
    assert 0 < result.score.score <= 100
    # the same scenario naming the networks' .onnx files: the same models, the same run
    by_onnx = load_scenario(BYO / "scenario.yaml")
    assert {n: m.layers for n, m in by_onnx.models.items()} == {
        n: m.layers for n, m in scenario.models.items()}
    again = simulate(load_hardware("xrbench-8k-M"), by_onnx, duration_s=0.5)
    assert again.trace.records == result.trace.records
