"""``python -m xrsim import-onnx`` from the command line, and .onnx files named directly by
a scenario or ``costs --model``; bad ONNX files are one line and exit status 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.onnx.graphs import save, single
from tests.onnx.test_light_models import LIGHT, independent_macs
from xrsim.cli import main
from xrsim.workload import load_scenario
from xrsim.workload.library import load_model_file

RESNET = LIGHT / "light_resnet50.onnx"


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(args)
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return status, out, err.strip()


def test_import_writes_a_model_spec_and_prints_json(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "nets" / "resnet.yaml"
    status, text, _ = run(["import-onnx", str(RESNET), "--name", "resnet", "-o", str(out), "--json"], capsys)
    assert status == 0
    summary = json.loads(text)
    assert summary["name"] == "resnet" and summary["macs"] == 4_089_184_256
    # the file's operators: 53 Conv (each BatchNormalization folded into one), 49 Relu,
    # 16 Sum, MaxPool, AveragePool, Gemm, Softmax - one layer each; the Reshape none
    assert summary["layers"] == 53 + 49 + 16 + 4 and summary["unsupported"] == []
    # torchvision's ResNet-50 has 25,557,032 parameters (its model docs: 25.6 M); ONNX's
    # BatchNormalization also holds the running mean and variance, 2 x 26,560 channels more
    assert summary["params"] == 25_557_032 + 2 * 26_560
    model = load_model_file(out)
    assert model.name == "resnet" and model.total_macs == summary["macs"]
    assert "sha256" in out.read_text().splitlines()[0]


def test_import_defaults_to_models_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    status, text, _ = run(["import-onnx", str(LIGHT / "light_squeezenet.onnx")], capsys)
    assert status == 0 and "written to models/light_squeezenet.yaml" in text
    assert (tmp_path / "models" / "light_squeezenet.yaml").is_file()


def bad_files(tmp_path: Path) -> dict[str, Path]:
    truncated = tmp_path / "truncated.onnx"
    truncated.write_bytes(RESNET.read_bytes()[:5000])
    malformed = tmp_path / "malformed.onnx"
    malformed.write_text("this is not a protobuf\n")
    unsupported = save(single("Hardmax", {"x": [4, 4]}, [4, 4]), tmp_path / "unsupported.onnx")
    dynamic = save(single("Relu", {"x": ["n", 4]}, ["n", 4]), tmp_path / "dynamic.onnx")
    return {"truncated": truncated, "malformed": malformed, "unsupported": unsupported, "dynamic": dynamic}


@pytest.mark.parametrize(("which", "message"), [
    ("truncated", "not a readable ONNX model"),
    ("malformed", "not a readable ONNX model"),
    ("unsupported", "unsupported operators: Hardmax (1)"),
    ("dynamic", "dynamic input dimension(s): give every size with `python -m xrsim import-onnx"),
])
def test_bad_onnx_files_are_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                which: str, message: str) -> None:
    path = bad_files(tmp_path)[which]
    status, _, err = run(["import-onnx", str(path), "-o", str(tmp_path / "out.yaml")], capsys)
    assert status == 2
    assert len(err.splitlines()) == 1 and err.startswith(f"xrsim: error: {path}: ")
    assert message in err
    assert not (tmp_path / "out.yaml").exists()


def test_allow_unsupported_and_input_flags(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = bad_files(tmp_path)
    status, _, err = run(["import-onnx", str(files["unsupported"]), "-o", str(tmp_path / "u.yaml"),
                          "--allow-unsupported"], capsys)
    assert status == 2 and "computes anything" in err  # nothing but the left-out operator
    status, text, _ = run(["import-onnx", str(files["dynamic"]), "--input", "x=3x4", "-o",
                           str(tmp_path / "d.yaml"), "--json"], capsys)
    assert status == 0 and json.loads(text)["layers"] == 1
    status, _, err = run(["import-onnx", str(files["dynamic"]), "--input", "x=3by4"], capsys)
    assert status == 2 and "--input: expected NAME=DxDx..." in err


def test_a_scenario_names_an_onnx_file_directly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    net = tmp_path / "nets" / "squeeze.onnx"
    net.parent.mkdir()
    net.write_bytes((LIGHT / "light_squeezenet.onnx").read_bytes())
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text("name: byo\nmodels:\n  - {model: nets/squeeze.onnx, fps: 10}\n"
                        "  - {model: KD_res8_narrow, fps: 10}\n"
                        "cascades:\n  - {from: nets/squeeze.onnx, to: KD_res8_narrow, probability: 1.0}\n")
    loaded = load_scenario(scenario)
    assert sorted(loaded.models) == ["KD_res8_narrow", "squeeze"]
    assert loaded.upstreams("KD_res8_narrow") == ["squeeze"]
    assert loaded.models["squeeze"].total_macs == independent_macs(net)
    # named after its file; imported once per content: loading again gives the same object
    assert load_scenario(scenario).models["squeeze"] is loaded.models["squeeze"]
    status, text, _ = run(["run", "--hardware", "xrbench-8k-M", "--scenario", str(scenario),
                           "--duration", "0.5", "--json"], capsys)
    assert status == 0
    assert set(json.loads(text)["models"]) == {"KD_res8_narrow", "squeeze"}
    status, text, _ = run(["costs", "--hardware", "xrbench-8k-M", "--model", str(net)], capsys)
    assert status == 0 and "total: latency" in text


def test_scenario_with_an_unimportable_onnx_names_it(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    bad = bad_files(tmp_path)["dynamic"]
    scenario = tmp_path / "s.yaml"
    scenario.write_text(f"name: s\nmodels:\n  - {{model: {bad.name}, fps: 10}}\n")
    status, _, err = run(["run", "--scenario", str(scenario)], capsys)
    assert status == 2 and len(err.splitlines()) == 1
    assert str(bad) in err and f"import-onnx {bad} --input x=1x4`" in err


def test_import_does_not_load_onnx_for_other_commands() -> None:
    """onnx is imported by the commands that read ONNX only: the others start without it."""
    code = "import sys, xrsim.cli, xrsim.run; print('onnx' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_validate_checks_an_onnx_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    vgg = LIGHT / "light_vgg19.onnx"
    status, out, _ = run(["validate", str(vgg)], capsys)
    layers = 16 + 18 + 5 + 3 + 1  # Conv, Relu, MaxPool, Gemm, Softmax; Reshape and Dropout none
    assert status == 0 and f"model 'light_vgg19': {layers} layers, {independent_macs(vgg):,} MACs" in out
    status, _, err = run(["validate", str(bad_files(tmp_path)["malformed"])], capsys)
    assert status == 2 and "not a readable ONNX model" in err


@pytest.mark.parametrize(("flags", "message"), [
    (["--name", "../../evil"], "--name: a model name is letters"),
    (["--name", ""], "--name: a model name is letters"),
    (["-o", ""], "--output: a model spec is a .yaml file"),
    (["-o", "other.onnx"], "--output: a model spec is a .yaml file"),
    (["--input", "x=1x3", "--input", "x=1x4"], "--input: given twice for x"),
])
def test_bad_flags(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                   flags: list[str], message: str) -> None:
    monkeypatch.chdir(tmp_path)
    status, _, err = run(["import-onnx", str(RESNET), *flags], capsys)
    assert status == 2 and message in err and len(err.splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_an_onnx_file_given_as_a_scenario_or_hardware(capsys: pytest.CaptureFixture[str]) -> None:
    for flag in ("--scenario", "--hardware"):
        status, _, err = run(["run", flag, str(RESNET)], capsys)
        assert status == 2 and "an ONNX model, not a YAML spec" in err


def test_two_onnx_files_of_one_name_in_a_scenario(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "net.onnx").write_bytes((LIGHT / "light_squeezenet.onnx").read_bytes())
    scenario = tmp_path / "s.yaml"
    scenario.write_text("name: s\nmodels:\n  - {model: a/net.onnx, fps: 10}\n"
                        "  - {model: b/net.onnx, fps: 10}\n")
    status, _, err = run(["validate", str(scenario)], capsys)
    assert status == 2 and "models[1].model" in err and "are both called 'net'" in err
