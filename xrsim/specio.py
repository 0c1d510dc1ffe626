"""Strict YAML loading and pydantic-error translation shared by every spec loader.

Duplicate keys are an error (PyYAML silently keeps the last one), and a pydantic
validation error becomes one SpecError that names the file and the field.
"""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import re
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

from xrsim import plainyaml
from xrsim.errors import SpecError

SPEC_CONFIG = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
"""Every spec: unknown keys are errors, values never change, and inf / nan are refused."""

_Base: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def repeated(names: list[str]) -> list[str]:
    """The names that occur more than once, sorted: for specs whose items must be unique."""
    return sorted({n for n in names if names.count(n) > 1})


_TAGS: dict[tuple[type, str | None, tuple[bool, bool]], str] = {}
"""Implicit tags resolved so far: a spec repeats the same keys and numbers thousands of
times, and resolving one runs a list of regular expressions."""
_MAX_TAGS = 100_000


class StrictLoader(_Base):
    """A safe YAML loader that refuses duplicate mapping keys."""

    def resolve(self, kind: type, value: str | None, implicit: tuple[bool, bool]) -> str:
        """The tag PyYAML would resolve, remembered (a pure function of its arguments)."""
        key = (kind, value, implicit)
        tag = _TAGS.get(key)
        if tag is None:
            if len(_TAGS) >= _MAX_TAGS:
                _TAGS.clear()
            tag = _TAGS[key] = super().resolve(kind, value, implicit)
        return tag


def _duplicate(key: Any, key_node: yaml.Node) -> SpecError:
    return SpecError(None, str(key), f"duplicate key (line {key_node.start_mark.line + 1})")


def _construct_mapping(loader: Any, node: yaml.MappingNode, deep: bool = False) -> dict:
    loader.flatten_mapping(node)
    mapping: dict = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in mapping:
            raise _duplicate(key, key_node)
        mapping[key] = loader.construct_object(value_node, deep=deep)
    return mapping


StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# YAML 1.1 reads 1e9 (an exponent without a dot) as a string; architects write it as a number.
StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float", re.compile(r"^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"))


_TAG = "tag:yaml.org,2002:"
_SCALARS = {_TAG + "str": lambda text: text, _TAG + "null": lambda text: None,
            _TAG + "bool": lambda text: StrictLoader.bool_values[text.lower()]}
_NUMBERS = (_TAG + "int", _TAG + "float")


class _Unusual(Exception):
    """A document the fast path leaves to PyYAML's own constructors."""


def _build(loader: Any, node: yaml.Node) -> Any:
    """What PyYAML's safe constructors make of ``node``, for the plain documents specs
    are (mappings, sequences, strings, numbers, booleans, nulls), without their generic
    machinery: the bulk of a cold load. Anything else raises _Unusual."""
    tag = node.tag
    if isinstance(node, yaml.ScalarNode):
        simple = _SCALARS.get(tag)
        if simple is not None:
            return simple(node.value)
        if tag in _NUMBERS:
            return loader.yaml_constructors[tag](loader, node)
        raise _Unusual
    if tag == _TAG + "seq":
        return [_build(loader, item) for item in node.value]
    if tag != _TAG + "map":
        raise _Unusual
    mapping: dict = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _TAG + "merge":
            raise _Unusual
        key = _build(loader, key_node)
        if key in mapping:
            raise _duplicate(key, key_node)
        mapping[key] = _build(loader, value_node)
    return mapping


_CLAIMED_FIRST = frozenset(StrictLoader.yaml_implicit_resolvers)
"""The first characters PyYAML's implicit resolvers look at: a plain scalar that starts
with any other is a string, unless some resolver looks at every scalar (key None)."""


class _PlainValues(dict):
    """Plain scalars read so far and their values (all immutable: strings, numbers,
    booleans, None): specs repeat the same keys and numbers thousands of times, and a hit
    is one dict lookup in C."""

    def __missing__(self, text: str) -> Any:
        """A plain scalar's value, as StrictLoader resolves and constructs it."""
        value = self._value(text)
        if len(self) >= _MAX_TAGS:
            self.clear()
        self[text] = value
        return value

    @staticmethod
    def _value(text: str) -> Any:
        if text[:1] not in _CLAIMED_FIRST and None not in _CLAIMED_FIRST:
            return text  # what PyYAML resolves no other way (a layer's name, mostly)
        tag = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))
        simple = _SCALARS.get(tag)
        if simple is not None:
            return simple(text)
        if tag in _NUMBERS:
            return _RESOLVER.yaml_constructors[tag](_RESOLVER, yaml.ScalarNode(tag, text))
        raise plainyaml.Unusual


_plain_scalar = _PlainValues().__getitem__
"""A plain scalar's value, as StrictLoader resolves and constructs it."""
_RESOLVER = StrictLoader("")


def load_yaml(text: str) -> Any:
    """``yaml.load(text, Loader=StrictLoader)``, many times faster on plain documents.

    The plain subset of YAML specs are written in is read line by line (``plainyaml``);
    any other document is built from the C composer's nodes, unless it has anchors (so
    maybe aliases, even recursive ones), merge keys, explicit tags or non-scalar keys:
    those go through PyYAML's constructors, which handle them all."""
    with contextlib.suppress(plainyaml.Unusual):
        return plainyaml.load(text, _plain_scalar)
    if "&" not in text:
        loader = StrictLoader(text)
        try:
            node = loader.get_single_node()
            return None if node is None else _build(loader, node)
        except _Unusual:
            pass
        finally:
            loader.dispose()
    return yaml.load(text, Loader=StrictLoader)


MAX_SPEC_BYTES = 4 * 2**20
"""No spec comes near this (the largest built-in one is 30 KB); reading stops here, so
that /dev/zero or a huge file given by mistake fails at once instead of filling memory."""


def read_text(path: Path) -> str:
    """A spec file's text: UTF-8 (a leading byte-order mark is allowed), at most
    MAX_SPEC_BYTES; every failure is a SpecError naming the file."""
    try:
        if path.exists() and not path.is_file():  # a folder, a device, a pipe (which would block)
            raise SpecError(path, None, "not a regular file: a spec is a YAML file")
        with open(path, "rb") as handle:
            data = handle.read(MAX_SPEC_BYTES + 1)
    except OSError as exc:
        raise SpecError(path, None, f"cannot read file ({exc.strerror or exc})") from None
    if path.suffix.lower() == ".onnx":
        raise SpecError(path, None, "an ONNX model, not a YAML spec: name it among a scenario's models, "
                                    "or import it with `python -m xrsim import-onnx`")
    if len(data) > MAX_SPEC_BYTES:
        raise SpecError(path, None, f"larger than {MAX_SPEC_BYTES // 2**20} MiB: not a spec file")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise SpecError(path, None, "UTF-16 text (it starts with a UTF-16 byte-order mark): save it as UTF-8")
    if b"\0" in data:
        raise SpecError(path, None, "NUL bytes (a binary file, or UTF-16 text without a byte-order "
                        "mark): a spec is a UTF-8 YAML file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SpecError(path, None, f"not UTF-8 text (byte {exc.start} is 0x{data[exc.start]:02x}): "
                        "a spec is a UTF-8 YAML file") from None


def content_digest(path: Path) -> str:
    """A hash of a file's bytes, to cache what is parsed from it by content ("" when it
    cannot be read: reading it again then reports the error, naming the file)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def is_file(path: Path) -> bool:
    """Path.is_file, but a name the system cannot even look up (too long) is a SpecError
    naming it rather than an OSError without a file name."""
    try:
        return path.is_file()
    except OSError as exc:
        raise SpecError(path, None, f"cannot read file ({exc.strerror or exc})") from None


def read_yaml(path: Path) -> Any:
    """Parse a YAML file strictly; every failure is a SpecError naming the file."""
    text = read_text(path)
    try:
        return load_yaml(text)
    except SpecError as exc:
        raise SpecError(path, exc.field, exc.message) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise SpecError(path, None, f"malformed YAML{where}: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise SpecError(path, None, f"malformed YAML: {exc}") from None


def field_error(model: str, field: str, message: str, value: Any) -> ValidationError:
    """An error about one field, found by a check that needs several fields.

    A model validator's own errors point at the whole model; raised from one, this
    ValidationError keeps ``field`` in the location (pydantic prefixes the path to the
    model), so the user reads ``sub_accelerators[0].num_pes``, not ``sub_accelerators[0]``.
    """
    error = PydanticCustomError("value_error", "{message}", {"message": message})  # braces stay literal
    detail = InitErrorDetails(type=error, loc=(field,), input=value)
    return ValidationError.from_exception_data(model, [detail])


SPEC_KINDS = {"sub_accelerators": "hardware", "layers": "model", "models": "scenario"}
"""The key that tells each kind of spec file apart; a file with none is an engine config."""


def spec_kind(data: Any, source: str | Path | None) -> str:
    """``hardware``, ``model``, ``scenario`` or ``engine config``: what a spec file holds."""
    if not isinstance(data, dict):
        raise SpecError(source, None, f"expected a mapping at the top level, got {type(data).__name__}")
    kinds = [kind for key, kind in SPEC_KINDS.items() if key in data]
    return kinds[0] if len(kinds) == 1 else "engine config"


def expect_kind(data: Any, source: str | Path | None, kind: str) -> None:
    """Refuse a spec of another kind by name (a scenario given as hardware), not by the
    fields it lacks."""
    found = spec_kind(data, source)
    if found != kind and found in SPEC_KINDS.values():
        raise SpecError(source, None, f"is a {found} spec, not a {kind} spec")


def field_path(loc: tuple[int | str, ...]) -> str:
    """('sub_accelerators', 0, 'dataflow') -> 'sub_accelerators[0].dataflow'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


_SCALAR_TYPES = {"string_type", "int_type", "float_type", "bool_type"}


def _relevant(errors: list[Any]) -> list[Any]:
    """The errors a user should read first.

    A container's own error ("too short") that only echoes an error inside one of its
    items is left out; so is a union branch that expected a scalar where a mapping was
    given (``energy_table: {...}`` is not meant as a name). An unknown key is usually a
    misspelt one: it comes before the 'missing' it causes.
    """
    locs = [tuple(e["loc"]) for e in errors]
    kept = [e for e, loc in zip(errors, locs, strict=True)
            if not any(other != loc and other[:len(loc)] == loc for other in locs)]
    deeper = [e for e in kept
              if not (e.get("type") in _SCALAR_TYPES and isinstance(e.get("input"), (dict, list)))]
    kept = deeper or kept or errors
    return sorted(kept, key=lambda e: e.get("type") != "extra_forbidden")


def _is_type_name(part: str) -> bool:
    """A union branch as pydantic names it: a class (CamelCase) or a builtin type (``int``,
    ``list[int]``); spec keys are snake_case or one letter."""
    if _BUILTIN_BRANCH.fullmatch(part):
        return True
    return len(part) > 1 and part[0].isupper() and any(c.islower() for c in part) and "_" not in part


_BUILTIN_BRANCH = re.compile(r"(int|float|str|bool|(list|dict|tuple)\[.*\])")


def spec_error_from_validation(source: str | Path | None, exc: ValidationError) -> SpecError:
    """Keep the first error (the one a user fixes first) and say how many more there are."""
    errors = _relevant(exc.errors(include_url=False))
    first = errors[0]
    # Tagged unions put the tag in the location ("layers[3].conv.H"); it reads fine.
    # Union branches show in the location by type name ("energy_table.EnergyTable.x"):
    # leave those out; a tagged union's tag ("layers[3].conv.H") reads fine and stays.
    loc = tuple(p for p in first["loc"]
                if not (isinstance(p, str) and (p.startswith("function-") or _is_type_name(p))))
    msg = first["msg"].removeprefix("Value error, ")
    if first.get("type") == "extra_forbidden":
        msg = "unknown field"
    if "input" in first and first.get("type") not in ("missing",):
        value = first["input"]
        if not isinstance(value, (dict, list)):
            msg += f" (got {value!r})"
    if len(errors) > 1:
        msg += f" (and {len(errors) - 1} more problem(s))"
    return SpecError(source, field_path(loc) or None, msg)


M = TypeVar("M", bound=BaseModel)


def validate_spec(cls: type[M], data: Any, source: str | Path | None) -> M:
    """Build a pydantic spec, turning validation errors into a SpecError."""
    if not isinstance(data, dict):
        raise SpecError(source, None, f"expected a mapping at the top level, got {type(data).__name__}")
    try:
        return cls.model_validate(data)
    except ValidationError as exc:
        raise spec_error_from_validation(source, exc) from None


def builtin_dir(name: str) -> Path:
    """Where the built-in ``hardware_specs`` or ``workloads`` folder is.

    In a source checkout (and an editable install) they sit beside the package; a wheel
    carries them inside it, under ``xrsim/_builtin``.
    """
    package = Path(__file__).resolve().parent
    for candidate in (package / "_builtin" / name, package.parent / name):
        if candidate.is_dir():
            return candidate
    raise SpecError(None, None, f"the built-in '{name}' folder is missing from this installation")


def names_a_path(text: str) -> bool:
    """Whether a spec reference is a path (a '/', a .yaml or an .onnx ending) rather than a name."""
    return "/" in text or "\\" in text or text.endswith((".yaml", ".yml", ".onnx"))


def resolve_ref(ref: str | Path, folder: Path, kind: str) -> Path:
    """A spec named by path (anything with a '/' or a .yaml ending) or by built-in name."""
    text = str(ref)
    if isinstance(ref, Path) or names_a_path(text):
        path = Path(ref)
        if not is_file(path):
            what = "not a regular file" if path.exists() else "no such"
            raise SpecError(path, None, f"{what} {kind} file" if what == "no such" else what)
        return path
    path = folder / f"{text}.yaml"
    with contextlib.suppress(SpecError):  # a name too long for a file name is no built-in one
        if is_file(path):
            return path
    known = ", ".join(sorted(p.stem for p in folder.glob("*.yaml")))
    raise SpecError(None, kind, f"unknown {kind} '{text}'; built-in ones: {known} (or give a path)")
