"""A scenario may name a model by a path (relative to the scenario file, or absolute), not
only by a name looked up in models/ folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from xrsim import simulate
from xrsim.cli import main
from xrsim.workload import load_scenario

NET = """\
name: {name}
layers:
  - {{name: c1, type: conv, H: 32, W: 32, C: 3, K: 16, R: 3, S: 3}}
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_models_by_relative_and_absolute_path(tmp_path: Path) -> None:
    write(tmp_path / "nets" / "mynet.yaml", NET.format(name="mynet"))
    other = write(tmp_path / "elsewhere" / "second.yaml", NET.format(name="second"))
    scenario = write(tmp_path / "scenarios" / "s.yaml", f"""\
name: mine
models:
  - {{model: ../nets/mynet.yaml, fps: 30}}
  - {{model: {other}, fps: 30}}
  - {{model: KD_res8_narrow, fps: 10}}
cascades:
  - {{from: ../nets/mynet.yaml, to: {other}, probability: 1.0}}
""")
    loaded = load_scenario(scenario)
    # the scenario calls them by their own names, in its models and its cascades
    assert [u.model for u in loaded.uses] == ["mynet", "second", "KD_res8_narrow"]
    assert [(c.upstream, c.downstream) for c in loaded.spec.cascades] == [("mynet", "second")]
    assert loaded.model_files["mynet"] == tmp_path / "scenarios" / "../nets/mynet.yaml"
    run = simulate("xrbench-4k-A", scenario, duration_s=0.1)
    assert {r.model for r in run.trace.records} == {"mynet", "second", "KD_res8_narrow"}


@pytest.mark.parametrize(("models", "needle"), [
    ("  - {model: nets/none.yaml, fps: 30}\n", "models[0].model: no such model file"),
    ("  - {model: nets/a.yaml, fps: 30}\n  - {model: nets/b.yaml, fps: 30}\n", "are both called 'same'"),
])
def test_bad_model_paths(tmp_path: Path, capsys: pytest.CaptureFixture[str], models: str,
                         needle: str) -> None:
    write(tmp_path / "nets" / "a.yaml", NET.format(name="same"))
    write(tmp_path / "nets" / "b.yaml", NET.format(name="same"))
    scenario = write(tmp_path / "s.yaml", f"name: s\nmodels:\n{models}")
    assert main(["run", "--scenario", str(scenario)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(scenario) in err and needle in err, err
