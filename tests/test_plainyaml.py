"""The line-by-line reader of the plain YAML subset (xrsim.plainyaml) gives exactly what
PyYAML gives, or leaves the text to PyYAML: on every YAML file of the repository and on
thousands of mutations of them (indentation, indicators, quotes, comments, tabs, anchors,
duplicate lines...)."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import yaml

from xrsim import plainyaml
from xrsim.errors import SpecError
from xrsim.specio import _MAX_TAGS as MAX_TAGS
from xrsim.specio import StrictLoader, _plain_scalar, load_yaml

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted(p for folder in ("workloads", "hardware_specs", "experiments", "tests")
               for p in (ROOT / folder).rglob("*.yaml"))
TOKENS = [": ", ":", "#", " #", " ", "-", "- ", "{", "}", "[", "]", ",", "?", "'", '"', "\n", "  ", "0",
          "1e3", "yes", "~", "a", "\t", "&x", "*x", "!!str ", "|", "0o7", "07", "1:30", "---\n", "null", ".5",
          "\r", "\x85", "\u2028", "# it's "]


def _outcome(read: Any, text: str) -> tuple:
    try:
        return ("value", repr(read(text)))
    except SpecError as exc:
        return ("spec error", str(exc))
    except plainyaml.Unusual:
        return ("left to PyYAML",)
    except yaml.YAMLError:
        return ("YAML error",)
    except TypeError as exc:  # PyYAML's own, for a mapping used as a key
        return ("type error", str(exc))


def _pyyaml(text: str) -> Any:
    return yaml.load(text, Loader=StrictLoader)


def _reads_as_pyyaml(text: str) -> bool:
    """Check that the line reader gives what PyYAML gives or leaves ``text`` to it, and
    that load_yaml always gives what PyYAML gives; whether the line reader took it."""
    got = _outcome(lambda t: plainyaml.load(t, _plain_scalar), text)
    if got[0] != "left to PyYAML":
        assert got == _outcome(_pyyaml, text), text
    assert _outcome(load_yaml, text) == _outcome(_pyyaml, text), text
    return got[0] != "left to PyYAML"


def test_every_repository_file_reads_as_pyyaml_reads_it() -> None:
    assert len(FILES) > 40
    fast = 0
    for path in FILES:
        text = path.read_text(encoding="utf-8-sig")
        assert repr(load_yaml(text)) == repr(_pyyaml(text)), path
        fast += _outcome(lambda t: plainyaml.load(t, _plain_scalar), text)[0] == "value"
    assert fast >= len(FILES) - 5  # the built-in specs all take the fast path


def test_mutated_files_read_as_pyyaml_reads_them_or_are_left_to_it() -> None:
    rng = random.Random(11)
    texts = [p.read_text(encoding="utf-8-sig") for p in FILES if p.stat().st_size < 4000]
    fast = 0
    for _ in range(4000):
        text = rng.choice(texts)
        for _ in range(rng.randint(1, 4)):
            i = rng.randrange(len(text) + 1)
            if rng.random() < 0.7:
                text = text[:i] + rng.choice(TOKENS) + text[i:]
            else:
                text = text[:i] + text[i + rng.randint(1, 3):]
        fast += _reads_as_pyyaml(text)
    assert fast > 500


def test_comments_end_at_every_yaml_line_break() -> None:
    # PyYAML ends a line (and so a comment) at \r, NEL, LS and PS as well as at \n
    for brk in "\r\x85\u2028\u2029":
        text = f"a: 1\n# note{brk}b: 2\n"
        assert load_yaml(text) == _pyyaml(text) == {"a": 1, "b": 2}


SCALARS = ["name", "type", "conv", "H", "K", "1", "128", "-1", "1e3", "0x1f", "1:30", "yes", "~", "null",
           "a b", ".5", "_", "-a", "a-", "a.b", "é", "a?", "a!", "c\u00a0", "\u3000", "1 \u2003"]
INDICATORS = [":", ": ", ",", ", ", " ", "  ", "#", " #", "-", "[", "]", "{", "}", "?", "'", ".", "\t", "\r"]


def test_one_line_flow_mappings_read_as_pyyaml_reads_them() -> None:
    # the layer lines of a model file take a path of their own: hammer it with lines made
    # of keys, values and every character that could end or nest a flow scalar
    rng = random.Random(12)
    fast = 0
    for _ in range(6000):
        pairs = [f"{rng.choice(SCALARS)}: {rng.choice(SCALARS)}" for _ in range(rng.randint(1, 5))]
        inner = ",".join(" " * rng.randint(0, 2) + p + " " * rng.randint(0, 2) for p in pairs)
        if rng.random() < 0.5:
            i = rng.randrange(len(inner) + 1)
            inner = inner[:i] + rng.choice(INDICATORS + SCALARS) + inner[i:]
        text = f"layers:\n  - {{{inner}}}\n  - {{name: x, H: 1}}\n"
        fast += _reads_as_pyyaml(text)
    assert fast > 1500


def test_the_scalar_memo_stays_bounded() -> None:
    # a sweep reads thousands of generated designs in one process: names and numbers alike
    # must not grow the memo past its bound
    memo = _plain_scalar.__self__
    for i in range(MAX_TAGS + 10):
        assert _plain_scalar(f"layer{i}") == f"layer{i}"
        assert len(memo) <= MAX_TAGS
