"""``python -m xrsim import-onnx MODEL.onnx``: an ONNX network as an xrsim model spec."""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from xrsim.atomicio import atomic_write
from xrsim.errors import SpecError


def add_import_command(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "import-onnx", help="write an xrsim model spec from an ONNX file",
        description="Read an ONNX network (shapes by ONNX shape inference; weights are never "
                    "read), turn its operators into xrsim layers and write the model spec. "
                    "Needs the 'onnx' extra: pip install 'xrsim[onnx]'.")
    p.add_argument("onnx_file", metavar="MODEL.onnx")
    p.add_argument("--name", help="the model's name (default: from the file name)")
    p.add_argument("--input", action="append", metavar="NAME=1x3x224x224", default=[],
                   help="fix a graph input's shape (needed for every dynamic dimension); repeatable")
    p.add_argument("-o", "--output", metavar="FILE",
                   help="where to write the model spec (default: models/NAME.yaml)")
    p.add_argument("--allow-unsupported", action="store_true",
                   help="leave out operators xrsim has no layer for, instead of refusing the file")
    p.add_argument("--json", action="store_true",
                   help="print name, layers, MACs, parameters and unsupported operators as JSON")
    p.set_defaults(handler=cmd_import_onnx)


NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")
"""A model name: it becomes a file name (models/NAME.yaml), so no '/', '..' or leading dot."""


def _check_flags(args: argparse.Namespace) -> None:
    if args.name is not None and (not NAME.fullmatch(args.name) or ".." in args.name):
        raise SpecError("--name", None, "a model name is letters, digits, '_', '-' and '.', not starting "
                                        f"with '.', without '..' (it names a file); got {args.name!r}")
    if args.output is not None and not args.output.endswith((".yaml", ".yml")):
        raise SpecError("--output", None, f"a model spec is a .yaml file; got {args.output!r}")
    names = [text.rpartition("=")[0] for text in args.input]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise SpecError("--input", None, f"given twice for {', '.join(twice)}")


def cmd_import_onnx(args: argparse.Namespace) -> int:
    from xrsim.workload.onnx_import import import_onnx, model_yaml, parse_input_shape

    source = Path(args.onnx_file)
    _check_flags(args)
    inputs = dict(parse_input_shape(text) for text in args.input)
    result = import_onnx(source, name=args.name, inputs=inputs, allow_unsupported=args.allow_unsupported)
    out = Path(args.output) if args.output is not None else Path("models") / f"{result.model.name}.yaml"
    if out.resolve() == source.resolve():
        raise SpecError(out, "--output", "is the ONNX file being imported")
    if out.is_dir():
        raise SpecError(out, "--output", "is a folder; give the model file's name")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with atomic_write(out) as handle:
            handle.write(model_yaml(result, f"Imported by `python -m xrsim import-onnx` from {source.name} "
                                            f"(sha256 {result.sha256[:16]}): {result.macs:,} MACs.\n"
                                            "Re-import rather than edit: the ONNX file is the source."))
    except OSError as exc:
        raise SpecError(out, "--output", f"cannot write the model ({exc.strerror or exc})") from None
    if args.json:
        print(json.dumps(result.summary(), indent=2))
    else:
        left = ("; left out: " + ", ".join(f"{op} x{n}" for op, n in sorted(result.unsupported.items()))
                if result.unsupported else "")
        print(f"{result.model.name}: {len(result.model.layers)} layers, {result.macs:,} MACs, "
              f"{result.params:,} parameters{left}; written to {out}")
    if result.unsupported:
        print(f"xrsim: warning: left out {sum(result.unsupported.values())} unsupported operator(s); "
              "the model's costs miss their work", file=sys.stderr)
    return 0
