"""The analytical backend as the engine and scripts see it: bounds, vector layers, the
overlap knob, energy by hand, deduplication, caching and CostTable integration."""

from __future__ import annotations

import numpy as np
import pytest

from tests.builders import analytical_costs, layer_model, single_sub_system
from xrsim.cost import CostTable, get_cost_model
from xrsim.cost.analytical import AnalyticalCostModel
from xrsim.cost.analytical import model as model_module
from xrsim.cost.analytical.cache import CostCache
from xrsim.cost.analytical.shapes import layer_shapes
from xrsim.hardware import load_hardware
from xrsim.workload.library import load_model

GEMM64 = {"type": "gemm", "M": 64, "N": 64, "K": 64}


def test_gemm_latency_by_hand_and_the_overlap_knob() -> None:
    # WS 32 x 32, paper form: Sr = Sc = T = 64, two row and two column folds:
    # 2*64*2 + 64*2 + 4*(64 - 2) = 632 cycles. DRAM: 3 x 4,096 one-byte words (all fit the
    # 192 KiB buffer) over 1 byte/cycle = 12,288 cycles, of which the prologue (first tile:
    # min(4096, 1024) weights + 1024 inputs = 2,048 B) and the epilogue (1,024 B of outputs)
    # are not overlapped: 2,048 + max(632, 12,288 - 3,072 = 9,216) + 1,024 = 12,288.
    # NoC unlimited.
    hw = {"dataflow": "WS", "array": (32, 32), "dram_gb_per_s": 1.0, "energy_table": "xrbench-maestro"}
    perfect = analytical_costs([GEMM64], **hw)
    assert int(perfect.compute_cycles[0]) == 632
    assert perfect.dram_bytes[0] == 12_288
    assert perfect.cycles[0] == pytest.approx(2_048 + 9_216 + 1_024)
    assert perfect.latency_s[0] == pytest.approx(12_288e-9)
    assert perfect.bound == ("dram",)
    serial = analytical_costs([GEMM64], overlap=0.0, **hw)
    assert serial.cycles[0] == pytest.approx(2_048 + 9_216 + 632 + 1_024, abs=0.05)  # + NoC 0.02
    half = analytical_costs([GEMM64], overlap=0.5, **hw)
    assert half.cycles[0] == pytest.approx(2_048 + 9_216 + 316 + 1_024, abs=0.05)


def test_gemm_energy_by_hand_with_the_xrbench_table() -> None:
    # MACs 262,144 x 2.88 pJ; PE-local 3 per MAC x 1.584 pJ; buffer: ifmap T*Sr*Fc = 8,192,
    # filter Sr*Sc = 4,096, ofmap T*Sc*Fr = 8,192 words x 17.28 pJ; DRAM 12,288 B x 216 pJ.
    result = analytical_costs([GEMM64], dataflow="WS", array=(32, 32), energy_table="xrbench-maestro")
    expected_pj = 262_144 * 2.88 + 3 * 262_144 * 1.584 + 20_480 * 17.28 + 12_288 * 216
    assert result.energy_j[0] == pytest.approx(expected_pj * 1e-12)


def test_a_memory_bound_layer_shows_as_memory_bound() -> None:
    # a GEMV streams 4 MB of weights for 4 M MACs: on 4096 PEs with a 16 GB/s link the
    # DRAM takes ~260 us, the array ~1 us
    gemv = {"type": "gemm", "M": 1, "N": 2048, "K": 2048}
    result = analytical_costs([gemv], dataflow="WS", num_pes=4096, dram_gb_per_s=16, global_buffer_kib=512)
    assert result.bound == ("dram",)
    assert result.latency_s[0] == pytest.approx(result.dram_bytes[0] / 16e9, rel=0.01)
    assert result.utilisation[0] < 0.01


def test_a_noc_bound_layer_shows_as_noc_bound() -> None:
    result = analytical_costs([GEMM64], dataflow="WS", array=(32, 32), noc_words_per_cycle=0.5)
    assert result.bound == ("noc",)


def test_vector_layers_cost_lane_time_and_traffic() -> None:
    # 1 M elements, 2 ops each, on 64 lanes: 32,768 cycles; 2 M bytes at 1 TB/s: 2,000
    add = {"type": "elementwise", "elements": 1 << 20, "operands": 1, "ops_per_element": 2}
    fast = analytical_costs([add], dataflow="OS", array=(32, 64), dram_gb_per_s=1000)
    assert fast.bound == ("vector",)
    assert fast.macs[0] == 0
    assert fast.dram_bytes[0] == 2 << 20
    slow = analytical_costs([add], dataflow="OS", array=(32, 64), dram_gb_per_s=1)
    assert slow.bound == ("dram",)
    pool = {"type": "pool", "H": 8, "W": 8, "C": 4, "R": 2, "S": 2}
    assert analytical_costs([pool]).energy_j[0] > 0


def test_an_empty_layer_costs_nothing() -> None:
    # the XRBench encoding has filters larger than their input: 0 MACs, nothing to move
    empty = {"type": "conv", "H": 2, "W": 2, "C": 8, "K": 8, "R": 3, "S": 3, "empty": True}
    result = analytical_costs([empty, GEMM64])
    assert result.latency_s[0] == 0 and result.energy_j[0] == 0 and result.bound[0] == "none"
    assert result.latency_s[1] > 0


def test_identical_layers_are_costed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    layers = [GEMM64, {"type": "gemm", "M": 8, "N": 8, "K": 8}] * 50
    m = layer_model(*layers)
    shapes = layer_shapes(m)
    assert len(shapes) == 2
    seen: list[int] = []
    real = model_module.cost_shapes

    def spy(shapes, *args, **kwargs):
        seen.append(len(shapes))
        return real(shapes, *args, **kwargs)

    monkeypatch.setattr(model_module, "cost_shapes", spy)
    hw = single_sub_system()
    result = AnalyticalCostModel().model_cost(m, hw.sub_accelerators[0], hw)
    assert seen == [2]
    assert len(result.layers) == 100
    assert np.all(result.layers.latency_s[::2] == result.layers.latency_s[0])
    assert result.latency_s == pytest.approx(50 * result.layers.latency_s[:2].sum())


def test_cache_hits_and_misses(monkeypatch: pytest.MonkeyPatch) -> None:
    m, hw = layer_model(GEMM64), single_sub_system()
    sub = hw.sub_accelerators[0]
    backend = AnalyticalCostModel()
    first = backend.model_cost(m, sub, hw)

    def boom(*args, **kwargs):
        raise AssertionError("recomputed despite a cached result")

    monkeypatch.setattr(model_module, "cost_shapes", boom)
    again = backend.model_cost(m, sub, hw)
    assert again.latency_s == first.latency_s and again.energy_j == first.energy_j
    renamed = sub.model_copy(update={"name": "other"})  # the name is not part of the key
    assert backend.model_cost(m, renamed, hw).sub_accelerator == "other"
    with pytest.raises(AssertionError, match="recomputed"):  # any spec change misses
        bigger = sub.model_copy(update={"global_buffer_kib": 1.0})
        backend.model_cost(m, bigger, hw)


def test_energy_table_and_mode_are_part_of_the_key() -> None:
    cache = CostCache()
    m = layer_model(GEMM64)
    a, b = single_sub_system(energy_table="accelergy-65nm"), single_sub_system(energy_table="xrbench-maestro")
    ea = AnalyticalCostModel(cache=cache).model_cost(m, a.sub_accelerators[0], a).energy_j
    eb = AnalyticalCostModel(cache=cache).model_cost(m, b.sub_accelerators[0], b).energy_j
    assert ea != eb
    compat = AnalyticalCostModel(cache=cache, scalesim_compat=True).model_cost(m, a.sub_accelerators[0], a)
    assert int(compat.layers.compute_cycles[0]) == 631  # SCALE-Sim v2's own count, not the cached 632
    assert len(cache) == 3


def test_cost_table_build_works_on_an_xrbench_design() -> None:
    system_k = load_hardware("xrbench-4k-K")
    models = [load_model("ES_RITNet"), load_model("GE_FBNet_C")]
    table = CostTable.build(get_cost_model("analytical"), system_k, models)
    for name in ("ES_RITNet", "GE_FBNet_C"):
        for i in range(2):
            cost = table.get(name, i)
            assert cost.latency_s > 0 and cost.energy_j > 0 and cost.dram_bytes > 0
            assert cost.layers is not None
            assert cost.latency_s == pytest.approx(float(cost.layers.latency_s.sum()))
    # the 3072-PE big core is faster than the 1024-PE little one on the same model
    assert table.latency_s("GE_FBNet_C", 0) < table.latency_s("GE_FBNet_C", 1) * 2


def test_nvdla_ws_beats_im2col_ws_on_channel_deep_3x3() -> None:
    # C = 64 fills the 64 rows exactly without im2col; im2col's R*S*C = 576 rows wastes a
    # partial fold - and the C = 3 first layer is the opposite case (docs/cost_model.md)
    deep = {"type": "conv", "H": 30, "W": 30, "C": 64, "K": 64, "R": 3, "S": 3}
    first = {"type": "conv", "H": 66, "W": 66, "C": 3, "K": 64, "R": 3, "S": 3}
    nv = analytical_costs([deep, first], dataflow="WS", ws_variant="nvdla", array=(64, 64))
    im = analytical_costs([deep, first], dataflow="WS", ws_variant="systolic", array=(64, 64))
    assert nv.compute_cycles[0] < im.compute_cycles[0]
    assert nv.compute_cycles[1] > im.compute_cycles[1]


def test_attention_operands_do_not_use_the_weight_scratchpads() -> None:
    """On RS the PE scratchpads hold filter rows, which enlarges the resident weight block
    of a GEMM; an attention matmul has no weights, so the same shapes cost at least as
    much DRAM traffic as the GEMM when the global buffer is small."""
    gemm = {"type": "gemm", "M": 512, "N": 512, "K": 512}
    attention = {"type": "attention_matmul", "M": 512, "N": 512, "K": 512}
    hw = {"dataflow": "RS", "array": (12, 14), "global_buffer_kib": 16, "pe_buffer_bytes": 4096}
    g, a = analytical_costs([gemm], **hw), analytical_costs([attention], **hw)
    assert a.macs[0] == g.macs[0]
    assert a.dram_bytes[0] > g.dram_bytes[0]


@pytest.mark.filterwarnings("error")
def test_vector_layers_on_row_stationary_cost_without_warnings() -> None:
    """Pool and elementwise layers have no loop nest; RS's tile search used to run on their
    zero rows too and divide by zero. Their DRAM traffic is each operand once, in one-byte
    words: pool 4 x 8 x 8 in + 4 x 4 x 4 out = 320; elementwise 100 in + 100 out = 200."""
    pool = {"type": "pool", "H": 8, "W": 8, "C": 4, "R": 2, "S": 2}
    add = {"type": "elementwise", "elements": 100}
    result = analytical_costs([pool, add, GEMM64], dataflow="RS", array=(16, 16), pe_buffer_bytes=512)
    assert result.dram_bytes[:2].tolist() == [320.0, 200.0]
    assert np.all(result.latency_s > 0)


def test_rs_pe_buffer_default_is_eyeriss_s() -> None:
    """A spec that leaves pe_buffer_bytes out gets Eyeriss's 0.5 KB, not 0. RS buffer
    traffic of a 3 x 3 conv, C 8, K 64, 16 x 16 input (14 x 14 outputs) on 32 x 32 PEs:
    filter rows of 256 one-byte words / 3 = 85 filters per block, so inputs are read
    ceil(64 / 85) = 1 time and partial sums 2 ceil(8 / 85) - 1 = 1 time:
    2,048 + 4,608 weights + 12,544 = 19,200. With 0 B, blocks of one filter and one channel:
    2,048 x 64 + 4,608 + 12,544 x 15 = 323,840, 17 x the accesses."""
    conv = {"type": "conv", "H": 16, "W": 16, "C": 8, "K": 64, "R": 3, "S": 3}
    assert single_sub_system(dataflow="RS").sub_accelerators[0].pe_buffer_bytes == 512
    assert analytical_costs([conv], dataflow="RS").glb_accesses[0] == 19_200
    assert analytical_costs([conv], dataflow="RS", pe_buffer_bytes=0).glb_accesses[0] == 323_840


@pytest.mark.parametrize("design", ["xrbench-8k-M", "xrbench-8k-I"])  # systolic; row stationary
def test_models_costed_together_cost_what_each_costs_alone(design: str) -> None:
    # One vectorised pass over every model's layers (model_costs) must not change a bit of
    # any layer's cost: a row's cost never depends on the rows costed with it.
    system = load_hardware(design)
    models = [load_model(name) for name in ("SS_HRViT_b1", "DE_midas_v21_small", "KD_res8_narrow",
                                            "ASR_EM_24L")]
    for sub in system.sub_accelerators:
        together = AnalyticalCostModel().model_costs(models, sub, system)
        for model, both in zip(models, together, strict=True):
            alone = AnalyticalCostModel().model_cost(model, sub, system)
            assert (both.latency_s, both.energy_j, both.dram_bytes, both.utilisation) == \
                (alone.latency_s, alone.energy_j, alone.dram_bytes, alone.utilisation)
            assert both.layers is not None and alone.layers is not None
            assert both.layers.bound == alone.layers.bound
            for field in ("macs", "cycles", "latency_s", "energy_j", "dram_bytes", "utilisation"):
                assert getattr(both.layers, field).tobytes() == getattr(alone.layers, field).tobytes()
