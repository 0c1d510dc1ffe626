"""Bad input: one clear message naming the file and the field, exit status 2, no traceback."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from xrsim.cli import main
from xrsim.hardware import DegenerateArrayError, square_array

GOOD_HW = """\
name: hw
dram: {bandwidth_gb_per_s: 64}
sub_accelerators:
  - {name: acc0, dataflow: WS, num_pes: 1024, global_buffer_kib: 512, noc_words_per_cycle: 128}
"""
GOOD_MODEL = """\
name: tiny
layers:
  - {name: c1, type: conv, H: 8, W: 8, C: 3, K: 8, R: 3, S: 3}
"""


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    status = main(args)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return status, captured.err.strip()


def write(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_good_files_validate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hw = write(tmp_path, "hw.yaml", GOOD_HW)
    model = write(tmp_path, "models/tiny.yaml", GOOD_MODEL)
    assert main(["validate", str(hw), str(model)]) == 0
    out = capsys.readouterr().out
    assert "hardware system 'hw'" in out and "7,776 MACs" in out  # K*C*P*Q*R*S = 8*3*6*6*3*3


def test_degenerate_array_accepted_when_explicit(tmp_path: Path) -> None:
    path = write(tmp_path, "hw.yaml", GOOD_HW.replace("num_pes: 1024", "num_pes: 4099, array: [1, 4099]"))
    assert main(["validate", str(path)]) == 0


@pytest.mark.parametrize(("num_pes", "shape"), [(1, (1, 1)), (8, (2, 4)), (168, (12, 14)), (6144, (64, 96)),
                                                (5, None), (4099, None), (2 * 4099, None)])
def test_square_array_refuses_degenerate_shapes(num_pes: int, shape: tuple[int, int] | None) -> None:
    if shape is None:
        with pytest.raises(DegenerateArrayError, match=f"{num_pes} PEs"):
            square_array(num_pes)
    else:
        assert square_array(num_pes) == shape


@pytest.mark.parametrize(
    ("text", "needles"),
    [
        (GOOD_HW + "name: again\n", ["hw.yaml", "name", "duplicate key (line 5)"]),
        (GOOD_HW.replace("dataflow: WS", "dataflow: XS"),
         ["hw.yaml", "sub_accelerators[0].dataflow", "'WS', 'OS', 'RS' or 'IS'", "XS"]),
        (GOOD_HW.replace("num_pes: 1024", "num_pes: -4"),
         ["hw.yaml", "sub_accelerators[0].num_pes", "greater than or equal to 1", "-4"]),
        (GOOD_HW.replace("num_pes: 1024", "num_pes: 1024, array: [16, 32]"),
         ["sub_accelerators[0].array", "16 x 32 does not hold num_pes = 1024"]),
        (GOOD_HW.replace("num_pes: 1024", "num_pes: 4099"),  # prime: 1 x 4099 is no design
         ["sub_accelerators[0].num_pes", "1 x 4099", "give array: [rows, cols]"]),
        (GOOD_HW.replace("dram:", "drams:"), ["hw.yaml", "drams", "unknown field"]),
        (GOOD_HW.replace("name: hw", "name: hw\nenergy_table: 7nm-magic"),
         ["energy_table", "unknown energy table '7nm-magic'"]),
        ("name: [unclosed\n", ["hw.yaml", "malformed YAML"]),
        ("- just\n- a list\n", ["hw.yaml", "expected a mapping"]),
    ],
)
def test_bad_hardware(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str,
                      needles: list[str]) -> None:
    path = write(tmp_path, "hw.yaml", text)
    status, err = run_cli(["validate", str(path)], capsys)
    assert status == 2
    assert err.count("\n") == 0, err  # one line
    for needle in needles:
        assert needle in err, err


@pytest.mark.parametrize(
    ("text", "needles"),
    [
        (GOOD_MODEL.replace("C: 3, K: 8", "C: 3, K: 8, groups: 2"),
         ["tiny.yaml", "layers[0].conv.groups", "groups (2) must divide both C (3) and K (8)"]),
        (GOOD_MODEL.replace("type: conv", "type: convolution"),
         ["tiny.yaml", "layers[0]", "'conv', 'gemm', 'attention_matmul', 'elementwise', 'pool'"]),
        (GOOD_MODEL.replace("H: 8", "H: 0"), ["layers[0].conv.H", "greater than or equal to 1"]),
        (GOOD_MODEL + GOOD_MODEL.split("layers:\n")[1] + GOOD_MODEL.split("layers:\n")[1].replace("c1", "c2"),
         ["tiny.yaml", "layers: layer names must be unique; repeated: c1"]),
    ],
)
def test_bad_model(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str,
                   needles: list[str]) -> None:
    path = write(tmp_path, "models/tiny.yaml", text)
    status, err = run_cli(["validate", str(path)], capsys)
    assert status == 2
    for needle in needles:
        assert needle in err, err


def scenario_text(models: str, cascades: str = "") -> str:
    return f"name: sc\nmodels:\n{models}" + (f"cascades:\n{cascades}" if cascades else "")


@pytest.mark.parametrize(
    ("text", "needles"),
    [
        (scenario_text("  - {model: tiny, fps: 30}\n  - {model: ghost, fps: 30}\n"),
         ["sc.yaml", "models[1].model", "unknown model 'ghost'"]),
        (scenario_text("  - {model: tiny, fps: 0}\n"),
         ["sc.yaml", "models[0].fps", "greater than 0"]),
        (scenario_text("  - {model: tiny, fps: 30}\n  - {model: tiny, fps: 60}\n"),
         ["sc.yaml", "models", "listed twice: tiny"]),
        (scenario_text("  - {model: tiny, fps: 30}\n", "  - {from: tiny, to: nobody}\n"),
         ["sc.yaml", "cascades", "cascade 0 (to) names 'nobody'"]),
        (scenario_text("  - {model: tiny, fps: 30}\n  - {model: tiny2, fps: 30}\n",
                       "  - {from: tiny, to: tiny2}\n  - {from: tiny2, to: tiny}\n"),
         ["sc.yaml", "cascades", "cascades form a cycle: tiny -> tiny2 -> tiny"]),
        (scenario_text("  - {model: tiny, fps: 30}\n  - {model: tiny2, fps: 30}\n",
                       "  - {from: tiny, to: tiny2, probability: 1.5}\n"),
         ["sc.yaml", "cascades[0].probability", "less than or equal to 1"]),
        (scenario_text("  - {model: tiny, fps: 30}\n  - {model: tiny2, fps: 30}\n",
                       "  - {from: tiny, to: tiny2}\n  - {from: tiny, to: tiny2, probability: 0.5}\n"),
         ["sc.yaml", "cascades", "cascade 1 repeats cascade 0 (tiny -> tiny2)"]),
    ],
)
def test_bad_scenario(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str,
                      needles: list[str]) -> None:
    write(tmp_path, "models/tiny.yaml", GOOD_MODEL)
    write(tmp_path, "models/tiny2.yaml", GOOD_MODEL.replace("name: tiny", "name: tiny2"))
    path = write(tmp_path, "scenarios/sc.yaml", text)
    for args in (["validate", str(path)], ["run", "--scenario", str(path)]):
        status, err = run_cli(args, capsys)
        assert status == 2
        for needle in needles:
            assert needle in err, err


@pytest.mark.parametrize(("fps", "shown"), [(5000, "5000"), (0.5, "0.5"), (59.94, "59.94")])
def test_xrbench_mode_needs_whole_fps(tmp_path: Path, capsys: pytest.CaptureFixture[str], fps: float,
                                      shown: str) -> None:
    """The reference's periods are 1000 // FPS integer ms: other rates are refused there,
    and run in mode default."""
    write(tmp_path, "models/tiny.yaml", GOOD_MODEL)
    path = write(tmp_path, "scenarios/sc.yaml", scenario_text(f"  - {{model: tiny, fps: {fps}}}\n"))
    status, err = run_cli(["run", "--mode", "xrbench", "--costs", "analytical", "--scenario", str(path)],
                          capsys)
    assert status == 2
    assert "sc.yaml: models[0].fps: mode xrbench takes whole FPS from 1 to 1000" in err
    assert f"got {shown}" in err


def test_inf_and_nan_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, "models/tiny.yaml", GOOD_MODEL)
    path = write(tmp_path, "scenarios/sc.yaml", scenario_text("  - {model: tiny, fps: .inf}\n"))
    status, err = run_cli(["validate", str(path)], capsys)
    assert status == 2 and "models[0].fps" in err and "finite number" in err


def test_union_errors_name_the_branch_meant(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An inline energy table with a bad value: the error is about that value, not about
    the mapping not being a table name; and one bad item is one problem, not two."""
    table = "{mac_pj: 1, rf_pj: 1, noc_pj_per_word: 1, glb_pj: 1, dram_pj_per_byte: -1}"
    hw = write(tmp_path, "hw.yaml", GOOD_HW.replace("name: hw", f"name: hw\nenergy_table: {table}"))
    status, err = run_cli(["validate", str(hw)], capsys)
    assert status == 2
    assert err.endswith("hw.yaml: energy_table.dram_pj_per_byte: Input should be greater than or "
                        "equal to 0 (got -1)")
    bad = write(tmp_path, "hw2.yaml", GOOD_HW.replace("dataflow: WS", "dataflow: XS"))
    status, err = run_cli(["validate", str(bad)], capsys)
    assert "more problem" not in err


def test_counts_are_strict_integers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hw = write(tmp_path, "hw.yaml", GOOD_HW.replace("num_pes: 1024", "num_pes: true"))
    status, err = run_cli(["validate", str(hw)], capsys)
    assert status == 2 and "sub_accelerators[0].num_pes: Input should be a valid integer" in err


def test_a_filter_larger_than_its_input_is_refused(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """It would have no outputs, cost 0 s and 0 J and score 100: refused, naming the file,
    the layer's field path and its name, by validate, run and a one-off costs --layer."""
    bad = GOOD_MODEL + "  - {name: big, type: conv, H: 8, W: 8, C: 8, K: 8, R: 11, S: 11}\n"
    path = write(tmp_path, "models/tiny.yaml", bad)
    scn = write(tmp_path, "scenarios/sc.yaml", scenario_text("  - {model: tiny, fps: 30}\n"))
    for args in (["validate", str(path)], ["run", "--scenario", str(scn)]):
        status, err = run_cli(args, capsys)
        assert status == 2 and err.count("\n") == 0, err
        assert f"{path}: layers[1].conv: layer 'big': its 11 x 11 filter does not fit" in err, err
    status, err = run_cli(["costs", "--layer", "conv:H=2,W=2,C=1,K=1,R=3,S=3"], capsys)
    assert status == 2 and "--layer: layer 'conv': its 3 x 3 filter does not fit" in err, err


def test_an_empty_layer_marked_as_such_validates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """As the reference's layers are: 0 MACs for that layer, 7,776 for the other."""
    marked = GOOD_MODEL + "  - {name: big, type: pool, H: 8, W: 8, C: 8, R: 11, S: 11, empty: true}\n"
    path = write(tmp_path, "models/tiny.yaml", marked)
    assert main(["validate", str(path)]) == 0
    assert "7,776 MACs" in capsys.readouterr().out


def test_model_file_name_must_match(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, "models/tiny.yaml", GOOD_MODEL.replace("name: tiny", "name: other"))
    path = write(tmp_path, "scenarios/sc.yaml", scenario_text("  - {model: tiny, fps: 30}\n"))
    status, err = run_cli(["run", "--scenario", str(path)], capsys)
    assert status == 2
    assert "tiny.yaml: name: expected 'tiny'" in err


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (["run", "--hardware", "xrbench-9k-Z"], ["hardware", "unknown hardware 'xrbench-9k-Z'"]),
        (["run", "--scenario", "vr_racing"], ["scenario", "unknown scenario 'vr_racing'"]),
        (["run", "--hardware", "h" * 300], ["hardware", "unknown hardware 'hhhhhhhh", "built-in ones"]),
        (["run", "--scenario", "no/such.yaml"], ["no/such.yaml", "no such scenario file"]),
        (["run", "--costs", "magic"], ["costs", "unknown cost backend 'magic'"]),
        (["run", "--duration-s", "-1"], ["duration_s", "should be greater than 0 (got -1.0)"]),
        (["run", "--duration-s", "nan"], ["duration_s", "should be a finite number (got nan)"]),
        (["run", "--duration-s", "inf"], ["duration_s", "got inf"]),
        (["run", "--e-max-j", "nan"], ["e_max_j", "should be a finite number"]),
        (["run", "--seed", "-1"], ["seed", "should be greater than or equal to 0 (got -1)"]),
        (["run", "--trace-csv", "/no/such/dir/t.csv"], ["/no/such/dir/t.csv", "cannot write the timeline"]),
        (["costs", "--layer", "gemm:M=1,N=4,K=4", "--dram-gb-per-s", "0"],
         ["dram.bandwidth_gb_per_s", "greater than or equal to 0.000001 (got 0.0)"]),
    ],
)
def test_bad_command_line(capsys: pytest.CaptureFixture[str], args: list[str],
                          needles: list[str]) -> None:
    status, err = run_cli(args, capsys)
    assert status == 2
    for needle in needles:
        assert needle in err, err


def test_missing_cost_row_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The table backend knows only the reference's configurations: a 512-PE one is missing."""
    hw = write(tmp_path, "hw.yaml", GOOD_HW.replace("num_pes: 1024", "num_pes: 512"))
    status, err = run_cli(["run", "--hardware", str(hw), "--costs", "table"], capsys)
    assert status == 2
    assert "xrbench_maestro_costs.csv" in err
    assert "no cost for model 'ES_RITNet' on dataflow WS, 512 PEs, NoC 128 words/cycle" in err


def test_too_many_frames_is_refused_before_memory_runs_out(capsys: pytest.CaptureFixture[str]) -> None:
    """vr_gaming releases 60 + 60 + 45 = 165 frames a second: 1e9 s would be 1.65e11 frames."""
    status, err = run_cli(["run", "--duration-s", "1e9"], capsys)
    assert status == 2
    assert "duration_s: 1e+09 s at the scenario's rates is 165,000,000,000 frames" in err


@pytest.mark.parametrize(("edit", "needles"), [
    (("global_buffer_kib: 512", "global_buffer_kib: 1e18"), ["global_buffer_kib", "less than or equal to"]),
    (("global_buffer_kib: 512", "global_buffer_kib: true"), ["global_buffer_kib", "valid number"]),
    (("global_buffer_kib: 512", 'global_buffer_kib: "512"'), ["global_buffer_kib", "valid number"]),
    (("noc_words_per_cycle: 128", "noc_words_per_cycle: 1e-300"), ["noc_words_per_cycle", "0.000001"]),
    (("num_pes: 1024", "num_pes: 1024, clock_ghz: 1e308"), ["clock_ghz", "less than or equal to 1000"]),
    (("num_pes: 1024", "num_pes: 1024, array: [32.0, 32]"), ["array[0]", "valid integer"]),
])
def test_numbers_are_strict_and_bounded(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                        edit: tuple[str, str], needles: list[str]) -> None:
    path = write(tmp_path, "hw.yaml", GOOD_HW.replace(*edit))
    status, err = run_cli(["validate", str(path)], capsys)
    assert status == 2
    for needle in needles:
        assert needle in err, err


def test_huge_layer_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "models/tiny.yaml", GOOD_MODEL.replace(
        "{name: c1, type: conv, H: 8, W: 8, C: 3, K: 8, R: 3, S: 3}",
        "{name: g, type: gemm, M: 1000000, N: 1000000, K: 1000000}"))
    status, err = run_cli(["validate", str(path)], capsys)
    assert status == 2 and "layers[0].gemm: too large: 1e+18 MACs or elements" in err


def test_fps_must_be_a_number(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, "models/tiny.yaml", GOOD_MODEL)
    path = write(tmp_path, "scenarios/sc.yaml", scenario_text("  - {model: tiny, fps: true}\n"))
    status, err = run_cli(["validate", str(path)], capsys)
    assert status == 2 and "models[0].fps: Input should be a valid number" in err


def test_exponents_without_a_dot_are_numbers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """YAML 1.1 would read 1e3 as a string; specs read it as 1000.0."""
    path = write(tmp_path, "hw.yaml", GOOD_HW.replace("global_buffer_kib: 512", "global_buffer_kib: 5e2"))
    assert main(["validate", str(path)]) == 0
    assert "hardware system 'hw'" in capsys.readouterr().out


def test_a_rate_no_camera_has_is_blamed_on_its_fps(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """0.7 s at 1e9 FPS is 7e8 frames: the rate is at fault, not the (reference's) duration."""
    write(tmp_path, "models/tiny.yaml", GOOD_MODEL)
    path = write(tmp_path, "scenarios/sc.yaml", scenario_text("  - {model: tiny, fps: 30}\n"
                                                               "  - {model: tiny2, fps: 1e9}\n"))
    write(tmp_path, "models/tiny2.yaml", GOOD_MODEL.replace("name: tiny", "name: tiny2"))
    status, err = run_cli(["run", "--scenario", str(path)], capsys)
    assert status == 2
    assert (f"{path}: models[1].fps: 1e+09 FPS of tiny2: 0.7 s at the scenario's rates is "
            "700,000,021 frames") in err


def test_models_without_frames_and_short_windows_are_warned_of(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, "models/tiny.yaml", GOOD_MODEL)
    write(tmp_path, "models/tiny2.yaml", GOOD_MODEL.replace("name: tiny", "name: tiny2"))
    path = write(tmp_path, "scenarios/sc.yaml", scenario_text("  - {model: tiny, fps: 30}\n"
                                                               "  - {model: tiny2, fps: 2, phase_ms: 800}\n"))
    status = main(["run", "--scenario", str(path), "--json"])
    captured = capsys.readouterr()
    assert status == 0
    # 2 FPS is a 0.5 s period, inside the 0.7 s run; its first frame comes at 0.8 s: none.
    expected = ["tiny2 released no frame in the measured window (phase_ms 800); it scores 0"]
    assert json.loads(captured.out)["warnings"] == expected
    assert captured.err == f"xrsim: warning: {expected[0]}\n"
    main(["run", "--scenario", str(path), "--duration-s", "0.4", "--json"])
    warnings = json.loads(capsys.readouterr().out)["warnings"]
    assert warnings[0] == ("the measured window (0.4 s) is shorter than one period of tiny2 "
                           "(0.5 s at 2 FPS)")


def test_outputs_are_checked_before_the_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A bad second output used to be found after the run had written the first."""
    ok = tmp_path / "ok.csv"
    status, err = run_cli(["run", "--trace-csv", str(ok), "--trace-json", str(tmp_path / "no" / "x.json")],
                          capsys)
    assert status == 2 and "--trace-json: cannot write the Chrome trace: no folder" in err
    assert not ok.exists()


def test_two_outputs_on_one_file_or_on_an_input_are_refused(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "t.csv"
    status, err = run_cli(["run", "--trace-csv", str(out), "--records-csv", str(out)], capsys)
    assert status == 2 and "--records-csv: is also the file of --trace-csv" in err and not out.exists()
    hw = write(tmp_path, "hw.yaml", GOOD_HW)
    status, err = run_cli(["run", "--hardware", str(hw), "--trace-json", str(hw)], capsys)
    assert status == 2 and "--trace-json: is the run's input (--hardware)" in err
    assert hw.read_text() == GOOD_HW
    status, err = run_cli(["run", "--trace-csv", str(tmp_path)], capsys)
    assert status == 2 and "it is a folder" in err


def test_validate_checks_every_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = write(tmp_path, "hw.yaml", GOOD_HW)
    bad = write(tmp_path, "bad.yaml", GOOD_HW.replace("WS", "XS"))
    also_good = write(tmp_path, "models/tiny.yaml", GOOD_MODEL)
    status = main(["validate", str(good), str(bad), str(also_good)])
    captured = capsys.readouterr()
    assert status == 2
    assert captured.out.splitlines() == [
        f"{good}: OK - hardware system 'hw': 1 sub-accelerator(s), 1024 PEs",
        f"{also_good}: OK - model 'tiny': 1 layers, 7,776 MACs"]  # 6x6 outputs x 3x3x3 weights x 8
    assert captured.err.count("\n") == 1 and f"{bad}: sub_accelerators[0].dataflow" in captured.err


def test_an_engine_config_error_reads_the_same_in_validate_and_run(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write(tmp_path, "c.yaml", "scheduler: llf\nfoo: 1\n")
    status, validate_err = run_cli(["validate", str(config)], capsys)
    assert status == 2
    status, run_err = run_cli(["run", "--config", str(config)], capsys)
    assert status == 2
    assert validate_err == run_err == f"xrsim: error: {config}: foo: unknown field (got 1)"


def test_a_spec_of_another_kind_is_named_as_such(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = Path(__file__).resolve().parents[1] / "workloads" / "scenarios" / "vr_gaming.yaml"
    status, err = run_cli(["run", "--hardware", str(scenario)], capsys)
    assert status == 2 and err == f"xrsim: error: {scenario}: is a scenario spec, not a hardware spec"
    hw = write(tmp_path, "hw.yaml", GOOD_HW)
    status, err = run_cli(["run", "--scenario", str(hw)], capsys)
    assert status == 2 and err == f"xrsim: error: {hw}: is a hardware spec, not a scenario spec"


LONG_NAME = "a" * 300 + ".yaml"  # longer than any file system's 255-byte name limit
SPEC_OPTIONS = [["validate"], ["run", "--hardware"], ["run", "--scenario"], ["run", "--config"]]


@pytest.mark.parametrize("option", SPEC_OPTIONS)
@pytest.mark.parametrize(("content", "needle"), [
    (bytes(range(256)) * 4, "NUL bytes (a binary file"),
    (b"\x89PNG\r\n\x1a\n" + b"\xff" * 64, "not UTF-8 text (byte 0 is 0x89)"),
    ("name: hw\n".encode("utf-16"), "UTF-16 text (it starts with a UTF-16 byte-order mark)"),
    ("name: hw\n".encode("utf-16-le"), "NUL bytes"),
])
def test_a_file_that_is_not_utf8_text(tmp_path: Path, capsys: pytest.CaptureFixture[str], option: list[str],
                                      content: bytes, needle: str) -> None:
    path = tmp_path / "spec.yaml"
    path.write_bytes(content)
    status, err = run_cli([*option, str(path)], capsys)
    assert status == 2 and err.count("\n") == 0, err
    assert f"{path}: {needle}" in err, err


@pytest.mark.parametrize("option", [["validate"], ["run", "--config"]])
def test_an_endless_file_is_not_read_to_the_end(capsys: pytest.CaptureFixture[str],
                                                option: list[str]) -> None:
    """/dev/zero used to fill memory (MemoryError); a device is not read at all, and a
    regular file is read up to 4 MiB."""
    status, err = run_cli([*option, "/dev/zero"], capsys)
    assert status == 2 and err.endswith("/dev/zero: not a regular file: a spec is a YAML file"), err


def test_a_huge_file_or_a_pipe_is_not_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    huge = tmp_path / "huge.yaml"
    huge.write_bytes(b"#" * (5 * 2**20))
    status, err = run_cli(["validate", str(huge)], capsys)
    assert status == 2 and err.endswith(f"{huge}: larger than 4 MiB: not a spec file"), err
    pipe = tmp_path / "pipe.yaml"
    os.mkfifo(pipe)  # reading it would block forever: nobody writes
    status, err = run_cli(["validate", str(pipe)], capsys)
    assert status == 2 and err.endswith(f"{pipe}: not a regular file: a spec is a YAML file"), err
    status, err = run_cli(["run", "--hardware", str(tmp_path)], capsys)
    assert status == 2 and err.endswith(f"{tmp_path}: not a regular file"), err


@pytest.mark.parametrize("option", SPEC_OPTIONS)
def test_a_file_name_too_long_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                       option: list[str]) -> None:
    path = tmp_path / LONG_NAME
    status, err = run_cli([*option, str(path)], capsys)
    assert status == 2 and err.count("\n") == 0, err
    assert str(path) in err and "File name too long" in err, err


def test_a_model_name_too_long_for_a_file_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A scenario's model is looked up as <name>.yaml: a 300-character name is named, exit 2."""
    scn = write(tmp_path, "scenarios/sc.yaml", scenario_text(f"  - {{model: {'m' * 300}, fps: 30}}\n"))
    status, err = run_cli(["run", "--scenario", str(scn)], capsys)
    assert status == 2 and err.count("\n") == 0 and "File name too long" in err and "m" * 300 in err, err


def test_an_output_over_a_model_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    model = write(tmp_path, "models/tiny.yaml", GOOD_MODEL)
    path = write(tmp_path, "scenarios/sc.yaml", scenario_text("  - {model: tiny, fps: 30}\n"))
    status, err = run_cli(["run", "--scenario", str(path), "--trace-csv", str(model)], capsys)
    assert status == 2 and "--trace-csv: is the run's input (model tiny of --scenario)" in err
    assert model.read_text() == GOOD_MODEL


def test_an_empty_output_name_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    status, err = run_cli(["run", "--trace-csv", ""], capsys)
    assert status == 2 and err == "xrsim: error: --trace-csv: needs a file name, got an empty one"
