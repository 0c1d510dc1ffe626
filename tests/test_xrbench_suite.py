"""The built-in XRBench suite: every model layer for layer, the scenarios, the 26 designs."""

from __future__ import annotations

import pytest

from xrsim.hardware import list_hardware, load_hardware
from xrsim.workload import list_scenarios, load_model, load_scenario

# (layers, total MACs) per model: `num_layers` and `total_macs_valid_conv` of the XRBench
# reference's workloads.json (model_summary), i.e. sum of N*K*C*(Y-R+1)*(X-S+1)*R*S with
# degenerate layers (R > Y) counting 0.
REFERENCE_MACS = {
    "KD_res8_narrow": (8, 5345688),
    "ASR_EM_24L": (120, 9663676416),
    "SS_HRViT_b1": (423, 20095232384),
    "DE_midas_v21_small": (92, 18493636608),
    "PD_Plane_RCNN_Quarter": (153, 7518739392),
    "OD_D2go_FasterRCNN": (138, 9676877824),
    "HT_hand_graph_cnn_half": (224, 3724475712),
    "ES_RITNet": (42, 1040138240),
    "GE_FBNet_C": (63, 2158333504),
    "D2go_FastRCNN": (138, 9676877824),
    "DR_RGBd_200": (34, 16837208128),
    "AS_ED_TCN": (4, 354457600),
}

# The XRBench paper's Table 2 and the reference's scenario files: models @ FPS, cascades.
SCENARIOS = {
    "vr_gaming": ({"ES_RITNet": 60, "GE_FBNet_C": 60, "HT_hand_graph_cnn_half": 45},
                  {("ES_RITNet", "GE_FBNet_C", 1.0)}),
    "ar_gaming": ({"HT_hand_graph_cnn_half": 45, "DE_midas_v21_small": 30,
                   "PD_Plane_RCNN_Quarter": 15}, set()),
    "ar_assistant": ({"KD_res8_narrow": 3, "ASR_EM_24L": 3, "SS_HRViT_b1": 10,
                      "DE_midas_v21_small": 30, "PD_Plane_RCNN_Quarter": 15,
                      "OD_D2go_FasterRCNN": 10}, {("KD_res8_narrow", "ASR_EM_24L", 0.5)}),
    "outdoor_activity_a": ({"KD_res8_narrow": 3, "ASR_EM_24L": 3, "SS_HRViT_b1": 10,
                            "OD_D2go_FasterRCNN": 30}, {("KD_res8_narrow", "ASR_EM_24L", 0.2)}),
    "outdoor_activity_b": ({"KD_res8_narrow": 3, "ASR_EM_24L": 3, "D2go_FastRCNN": 30},
                           {("KD_res8_narrow", "ASR_EM_24L", 0.2)}),
    "social_interaction_a": ({"ES_RITNet": 60, "GE_FBNet_C": 60, "DR_RGBd_200": 30,
                              "HT_hand_graph_cnn_half": 30}, {("ES_RITNet", "GE_FBNet_C", 1.0)}),
    "social_interaction_b": ({"ES_RITNet": 60, "GE_FBNet_C": 60, "AS_ED_TCN": 30},
                             {("ES_RITNet", "GE_FBNet_C", 1.0)}),
}


@pytest.mark.parametrize(("name", "expected"), sorted(REFERENCE_MACS.items()))
def test_model_macs_match_reference(name: str, expected: tuple[int, int]) -> None:
    model = load_model(name)
    assert (len(model.layers), model.total_macs) == expected


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_scenarios(name: str) -> None:
    fps, cascades = SCENARIOS[name]
    sc = load_scenario(name)
    assert {u.model: u.fps for u in sc.uses} == fps
    assert {(c.upstream, c.downstream, c.probability) for c in sc.spec.cascades} == cascades


@pytest.mark.parametrize(("pct", "p"), [(25, 0.25), (50, 0.5), (75, 0.75), (100, 1.0)])
def test_probability_sweep_variants(pct: int, p: float) -> None:
    sc = load_scenario(f"vr_gaming_{pct}p")
    assert sc.trigger_probability("GE_FBNet_C") == p
    assert sc.trigger_probability("ES_RITNet") == 1.0


def test_all_scenarios_listed() -> None:
    suite = {s for s in list_scenarios() if load_scenario(s).spec.suite == "xrbench-mlsys23"}
    assert suite == set(SCENARIOS) | {f"vr_gaming_{p}p" for p in (25, 50, 75, 100)}


# The XRBench paper's Figure 5: letter -> (PE split as fractions of the budget, dataflows).
DESIGNS = {
    "A": ([1], "WS"), "B": ([1], "OS"), "C": ([1], "RS"),
    "D": ([2, 2], "WS WS"), "E": ([2, 2], "OS OS"), "F": ([2, 2], "RS RS"),
    "G": ([4] * 4, "WS WS WS WS"), "H": ([4] * 4, "OS OS OS OS"), "I": ([4] * 4, "RS RS RS RS"),
    "J": ([2, 2], "WS OS"), "K": ([4 / 3, 4], "WS OS"), "L": ([4, 4 / 3], "WS OS"),
    "M": ([4] * 4, "WS OS WS OS"),
}


@pytest.mark.parametrize("budget", [4096, 8192])
@pytest.mark.parametrize("letter", sorted(DESIGNS))
def test_figure5_designs(letter: str, budget: int) -> None:
    split, flows = DESIGNS[letter]
    system = load_hardware(f"xrbench-{budget // 1024}k-{letter}")
    assert [s.dataflow for s in system.sub_accelerators] == flows.split()
    assert [s.num_pes for s in system.sub_accelerators] == [round(budget / d) for d in split]
    # NoC bandwidth as the reference's configs: 128 words/cycle for the 4K designs' 1K-3K
    # sub-accelerators, 256 for every sub-accelerator of the 8K designs and the 4K single.
    for s in system.sub_accelerators:
        assert s.noc_words_per_cycle == (128 if budget == 4096 and s.num_pes < 4096 else 256)
    assert system.dram.shared is False


def test_26_designs_listed() -> None:
    assert len([n for n in list_hardware() if n.startswith("xrbench-")]) == 26
