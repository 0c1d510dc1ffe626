"""Command line: ``python -m xrsim run | list | validate | costs | validate-costs | plot |
import-onnx``.

Each command is a thin module over library functions. Bad input ends with one line naming
the file and field, and exit status 2.
"""

from __future__ import annotations

import os

# A command runs no linear algebra large enough for BLAS threads, and starting OpenBLAS's
# pool costs about 60 ms on a 2-core machine (a fifth of a run); set before numpy loads.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import sys  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402

from xrsim.arguments import EXIT_BAD_INPUT, ArgumentParser  # noqa: E402
from xrsim.cli.costs import add_cost_commands  # noqa: E402
from xrsim.cli.import_onnx import add_import_command  # noqa: E402
from xrsim.cli.plot import add_plot_command  # noqa: E402
from xrsim.cli.run import add_run_command  # noqa: E402
from xrsim.cli.specs import add_spec_commands  # noqa: E402
from xrsim.errors import SpecError  # noqa: E402

Handler = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(prog="xrsim", description=(
        "Simulate ML accelerators serving extended-reality workloads and score them with "
        "XRBench. Sweeps of many designs: python -m xrsim.sweep SPEC."))
    sub = parser.add_subparsers(dest="command", parser_class=ArgumentParser)
    add_run_command(sub)
    add_spec_commands(sub)
    add_cost_commands(sub)
    add_plot_command(sub)
    add_import_command(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_BAD_INPUT
    handler: Handler = args.handler
    try:
        return handler(args)
    except SpecError as exc:
        print(f"xrsim: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # the reader went away (| head): nothing more to say
        return 0
    except OSError as exc:  # e.g. standard output on a full disk
        print(f"xrsim: error: {exc.strerror or exc}", file=sys.stderr)
        return 1
