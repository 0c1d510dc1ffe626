"""The README's worked examples print what the README shows (its outputs are real)."""

from __future__ import annotations

import doctest
import re
import shlex
from pathlib import Path

import pytest

from xrsim.cli import main
from xrsim.sweep.cli import main as sweep_main

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
PROMPT = "$ .venv/bin/python -m xrsim "
SWEEP_PROMPT = "$ .venv/bin/python -m xrsim.sweep "


def examples() -> list[tuple[str, list[str]]]:
    """(command, expected output lines) of every console block; '...' skips lines."""
    found = []
    blocks: list[list[str]] = []
    inside = False
    for line in README.read_text().splitlines():
        if line.startswith("```"):
            inside = not inside
            if inside:
                blocks.append([])
        elif inside:
            blocks[-1].append(line)
    for lines in blocks:
        if not lines or not lines[0].startswith((PROMPT, SWEEP_PROMPT)):
            continue
        command = lines.pop(0)
        while command.endswith("\\"):
            command = command[:-1] + lines.pop(0).strip()
        found.append((command.removeprefix("$ .venv/bin/python -m "), lines))
    return found


@pytest.mark.parametrize(("command", "expected"), examples(), ids=lambda x: str(x)[:60])
def test_readme_example(command: str, expected: list[str], tmp_path: Path,
                        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)  # examples may write trace files and results folders
    program, *argv = shlex.split(command)
    # files the examples read are the repository's (a spec, an .onnx); outputs go to tmp_path
    argv = [str(ROOT / a) if not a.startswith("-") and "/" in a and (ROOT / a).exists() else a
            for a in argv]
    if program == "xrsim.sweep":
        assert sweep_main(argv) == 0
    else:
        assert main(argv) == 0
    actual = capsys.readouterr().out.splitlines()
    position = 0
    for line in expected:
        if line == "...":
            continue
        assert line in actual[position:], f"README line not printed (in order): {line!r}"
        position = actual.index(line, position) + 1


def sessions() -> list[str]:
    """The README's Python sessions (```pycon blocks)."""
    return re.findall(r"```pycon\n(.*?)```", README.read_text(), re.S)


@pytest.mark.parametrize("session", sessions(), ids=lambda s: s.splitlines()[1][:50])
def test_readme_python_session(session: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each Python session of the README prints what it shows, run as a doctest."""
    monkeypatch.chdir(tmp_path)
    test = doctest.DocTestParser().get_doctest(session, {}, "README", str(README), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    assert runner.failures == 0 and runner.tries > 0


def test_there_are_examples() -> None:
    assert len(examples()) >= 5
