"""The plain subset of YAML that spec files are written in, read line by line.

PyYAML's C parser still builds Python objects for every token and position (about 2 us a
scalar): a built-in model of 900 layers took 10 ms. Spec files use a small, regular part
of YAML: block mappings and sequences (a sequence item may open a block mapping), one-line
flow mappings and sequences of scalars, plain scalars and comment lines. This module
reads exactly that part, resolving and constructing every scalar with PyYAML's own
resolver and constructors, and raises ``Unusual`` at the first thing outside it (quotes,
anchors, tags, block scalars, a comment after a value, nested flow collections, a scalar
spanning lines, odd indentation...), for the caller to hand the text to PyYAML.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from operator import methodcaller
from typing import Any

import yaml

_BREAKS = "\r\x85\u2028\u2029"
_OUTSIDE = re.compile(f"['\"&*!|>%@`\t\x0b\x0c\x1c\x1d\x1e\ufeff{_BREAKS}]")
"""Characters of what the subset leaves to PyYAML outside comment lines: quotes, anchors
and aliases, tags, block scalars, directives, tabs; and line breaks other than \\n, in
comments too (a comment would end at one)."""
_NOT_FIRST = set("?:,[]{}#-")
"""Characters a scalar of the subset does not start with (PyYAML reads "-1" as a plain
scalar, but leave every indicator to it)."""
_FLOW_INSIDE = set("[]{}?")
"""Characters that end a plain scalar inside a flow collection (besides the commas
between items) or would nest one: flow collections of the subset do not nest."""


_ASCII_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
"""PyYAML's non-printable characters among ASCII ones (its full pattern, with its Unicode
ranges, takes 0.5 ms over a 30 KB spec)."""
_PAIR = re.compile(r"([^\s?:,\[\]{}#-][^:#]*?) *: +([^\s?:,\[\]{}#-][^:#]*)")
"""A flow mapping's ``key: value`` whose scalars hold no colon or hash at all (what
specs write), checked in one match; any other pair takes ``plain``'s checks."""
_SCALAR = r"[^\s?:,\[\]{}#-][^:#,\[\]{}?]*"
"""A flow scalar with no colon, hash, comma or bracket at all (what specs write), and
the spaces after it."""
_SIMPLE_MAPPING = re.compile(rf"(?:- )?\{{ *{_SCALAR}: +{_SCALAR}(?:, *{_SCALAR}: +{_SCALAR})*\}}")
"""A one-line flow mapping of such scalars (a layer line of a model file: most of its
text), or a sequence item that is one, matched without backtracking: its keys and values
are then what lies between its colons and commas, with the spaces around them cut off."""


_strip_spaces = methodcaller("strip", " ")
"""Spaces off both ends, and only spaces: other blanks (NBSP, ideographic space...) belong
to a YAML scalar."""


class Unusual(Exception):
    """Text outside the subset: read it with PyYAML."""


class _Reader:
    def __init__(self, text: str, scalar: Callable[[str], Any]) -> None:
        if (_ASCII_CONTROL if text.isascii() else yaml.reader.Reader.NON_PRINTABLE).search(text):
            raise Unusual  # PyYAML refuses it, naming the character
        at = 0
        while (hit := _OUTSIDE.search(text, at)) is not None:
            line = text[text.rfind("\n", 0, hit.start()) + 1:hit.start()]
            if not line.lstrip(" ").startswith("#") or hit[0] in _BREAKS:
                raise Unusual
            at = hit.end()
        # (indentation, content) of every line that holds something
        self.lines: list[tuple[int, str]] = []
        for line in text.split("\n"):
            content = line.strip(" ")
            if content and content[0] != "#":
                if content[:3] in ("---", "..."):
                    raise Unusual
                self.lines.append((len(line) - len(line.lstrip(" ")), content))
        self.at = 0
        self.scalar = scalar

    def document(self) -> Any:
        if not self.lines:
            return None
        if self.lines[0][0] != 0:
            raise Unusual
        value = self.block(0)
        if self.at != len(self.lines):
            raise Unusual
        return value

    def block(self, indent: int) -> Any:
        """The block node whose first line is the current one, at ``indent``."""
        content = self.lines[self.at][1]
        if content == "-" or content.startswith("- "):
            return self.sequence(indent)
        return self.mapping(indent, content)

    def sequence(self, indent: int) -> list:
        items = []
        lines = self.lines
        while self.at < len(lines):
            here, content = lines[self.at]
            if here != indent:
                break
            if content[:3] == "- {" and _SIMPLE_MAPPING.fullmatch(content):
                self.at += 1  # the common item, a model's layer, the short way
                if self.at < len(lines) and lines[self.at][0] > indent:
                    raise Unusual
                items.append(self.simple_mapping(content[2:]))
                continue
            if not (content == "-" or content.startswith("- ")):
                break
            rest = content[1:].lstrip(" ")
            if not rest:
                raise Unusual  # an item on the following lines
            if rest[0] not in "{[" and (": " in rest or rest.endswith(":")):
                # an item that opens a block mapping: its keys line up with this one
                column = indent + len(content) - len(rest)
                self.lines[self.at] = (column, rest)
                items.append(self.mapping(column, rest))
            else:
                self.at += 1
                items.append(self.value(rest))
        return items

    def mapping(self, indent: int, content: str) -> dict:
        out: dict = {}
        while self.at < len(self.lines):
            here, content = self.lines[self.at]
            if here != indent:
                if here > indent:
                    raise Unusual
                break
            if content.startswith("- "):
                raise Unusual
            key_text, sep, rest = content.partition(": ")
            if not sep:
                if not content.endswith(":"):
                    raise Unusual
                key_text, rest = content[:-1], ""
            key_text = key_text.rstrip(" ")
            if _FLOW_INSIDE.intersection(key_text) or "," in key_text:
                raise Unusual  # keys with flow characters are left to PyYAML
            key = self.plain(key_text)
            if key in out:
                raise Unusual  # PyYAML names it, after any syntax error it finds first
            self.at += 1
            rest = rest.strip(" ")
            if rest:
                out[key] = self.value(rest)
                continue
            following = self.lines[self.at] if self.at < len(self.lines) else None
            if following is not None and following[0] > indent:
                out[key] = self.block(following[0])
            elif following is not None and following[0] == indent and following[1].startswith("- "):
                out[key] = self.sequence(indent)
            else:
                out[key] = None
        return out

    def value(self, text: str) -> Any:
        """A value on one line: a flow mapping or sequence of scalars, or a scalar; what
        follows it must not be more indented (that would continue a scalar)."""
        if self.at < len(self.lines) and self.lines[self.at][0] > self.lines[self.at - 1][0]:
            raise Unusual
        if text[0] == "{" and text[-1] == "}":
            if _SIMPLE_MAPPING.fullmatch(text):
                return self.simple_mapping(text)
            scalar = self.scalar
            out = {}
            for part in self.flow_items(text[1:-1]):
                pair = _PAIR.fullmatch(part)
                if pair is not None:
                    key, value = scalar(pair[1]), scalar(pair[2])
                else:
                    key_text, sep, rest = part.partition(": ")
                    if not sep:
                        raise Unusual
                    key = self.plain(key_text.rstrip(" "), checked=True)
                    value = self.plain(rest.lstrip(" "), checked=True)
                if key in out:
                    raise Unusual  # PyYAML names it, after any syntax error it finds first
                out[key] = value
            return out
        if text[0] == "[" and text[-1] == "]":
            return [self.plain(part, checked=True) for part in self.flow_items(text[1:-1])]
        return self.plain(text)

    def simple_mapping(self, text: str) -> dict:
        """A flow mapping ``_SIMPLE_MAPPING`` matched."""
        # ASCII text holds no blank but spaces here (tabs and other breaks are Unusual), so
        # str.strip, four times faster, cuts exactly the spaces
        strip = str.strip if text.isascii() else _strip_spaces
        scalars = map(self.scalar, map(strip, text[1:-1].replace(":", ",").split(",")))
        out = dict(zip(scalars, scalars, strict=True))  # key, value, key, value...
        if len(out) != text.count(":"):
            raise Unusual  # a repeated key: PyYAML names it
        return out

    @staticmethod
    def flow_items(inner: str) -> list[str]:
        """The items of a one-line flow collection, checked once for what would end a
        plain scalar in it or nest a collection (the items then need only ``plain``'s
        per-scalar checks)."""
        if _FLOW_INSIDE.intersection(inner) or " #" in inner:
            raise Unusual
        if not inner.strip(" "):
            return []
        return [part.strip(" ") for part in inner.split(",")]

    def plain(self, text: str, *, checked: bool = False) -> Any:
        """A plain scalar's value; ``checked``: its line was (``flow_items``)."""
        if (not text or text[0] in _NOT_FIRST or text[-1] == ":" or ": " in text
                or (not checked and " #" in text)):
            raise Unusual
        return self.scalar(text)


def load(text: str, scalar: Callable[[str], Any]) -> Any:
    """The document in ``text``; ``scalar`` makes a plain scalar's value. Raises Unusual
    for text outside the subset, and for a repeated key (the caller's YAML reader reports
    it as it reports any other error)."""
    return _Reader(text, scalar).document()
