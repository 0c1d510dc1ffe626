"""``python -m xrsim plot KIND SOURCE... --out FILE.pdf|.png``: a paper figure from a
sweep's results folder or from runs' JSON lines traces."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from xrsim.errors import SpecError

SOURCES = {"results": "a sweep results folder", "traces": "run --trace-jsonl files"}


def cmd_plot(args: argparse.Namespace) -> int:
    from xrsim.plots import KINDS
    from xrsim.plots.data import load_results, load_trace
    from xrsim.plots.style import save

    kind = KINDS[args.kind]
    sources = [Path(s) for s in args.sources]
    data: list[Any]
    if kind.source == "results":
        if len(sources) != 1:
            raise SpecError(None, "SOURCE", f"'{args.kind}' is drawn from one sweep results folder")
        data = load_results(sources[0])
    else:
        data = [load_trace(s) for s in sources]
    extra = {}
    if args.window:
        if args.kind != "timeline":
            raise SpecError(None, "--window", "applies to the timeline only")
        extra["window_ms"] = parse_window(args.window)
    save(kind.draw(data, title=args.title, **extra), Path(args.out))
    print(f"{args.kind} figure written to {args.out}")
    return 0


def parse_window(text: str) -> tuple[float, float]:
    """``'100:250'`` -> (100.0, 250.0), in ms."""
    start, sep, end = text.partition(":")
    try:
        window = (float(start), float(end))
    except ValueError:
        window = (0.0, -1.0)
    if not sep or not 0 <= window[0] < window[1]:
        raise SpecError(None, "--window", f"expected START_MS:END_MS with 0 <= START < END, got '{text}'")
    return window


def add_plot_command(subparsers: argparse._SubParsersAction) -> None:
    from xrsim.plots import KINDS

    plot = subparsers.add_parser(
        "plot", help="draw a paper figure from a sweep's results or from run traces",
        description="Draw a figure as PDF (TrueType fonts) or PNG. Kinds: " + "; ".join(
            f"{name}: {k.summary} (from {SOURCES[k.source]})" for name, k in KINDS.items()) + ".")
    plot.add_argument("kind", choices=list(KINDS), help="the figure")
    plot.add_argument("sources", nargs="+", metavar="SOURCE",
                      help="a sweep's --out folder, or one or more run --trace-jsonl files")
    plot.add_argument("--out", required=True, metavar="FILE", help="FILE.pdf or FILE.png")
    plot.add_argument("--title", help="a title above the figure (default: none)")
    plot.add_argument("--window", metavar="START_MS:END_MS",
                      help="timeline only: draw that stretch of the run (default: all of it)")
    plot.set_defaults(handler=cmd_plot)
