"""What every ``experiments/<name>/run.py`` does: run the folder's ``sweep.yaml`` into
``--out`` (skipping runs already there), then draw its figures as PDF and PNG beside the
results (``runs.csv`` is the figure's data)."""

from __future__ import annotations

import argparse
import contextlib
import io
import shlex
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xrsim.arguments import ArgumentParser
from xrsim.errors import SpecError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

Draw = Callable[[Path, list[dict[str, Any]]], dict[str, "Figure"]]
"""(results folder, its rows) -> figures by file stem."""


def trace_of(row: dict[str, Any], folder: Path, name: str | None = None) -> Path:
    """The JSON lines trace of one sweep row, made by running the row's own command once
    and kept as ``folder/traces/<name>.jsonl`` (default: the row's key; a figure labels a
    trace by its name where two would read alike): timelines and CDFs need every frame."""
    from xrsim.cli import main

    path = folder / "traces" / f"{name or row['key']}.jsonl"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        argv = shlex.split(row["command"])[3:]  # past "python -m xrsim"
        with contextlib.redirect_stdout(io.StringIO()):
            status = main([*argv, "--trace-jsonl", str(path), "--json"])
        if status != 0:
            raise SpecError(path, None, f"the run of {row['design']} on {row['scenario']} failed")
    return path


def _refuse_another_sweeps_folder(out: Path, name: str) -> None:
    """An experiment writes its figures beside its sweep's results: into another sweep's
    folder it would mix the two."""
    from xrsim.sweep.store import read_manifest

    held = read_manifest(out).get("name")
    if held and held != name:
        raise SpecError(out, "--out", f"holds the results of sweep '{held}'; give experiment '{name}' "
                                      "a folder of its own")


def experiment_main(script: str, draw: Draw) -> int:
    """The command line of an experiment's run.py; ``script`` is its ``__file__``."""
    from xrsim.plots.data import load_results
    from xrsim.plots.style import save
    from xrsim.sweep import run_sweep

    here = Path(script).resolve().parent
    parser = ArgumentParser(prog=f"python experiments/{here.name}/run.py",
                            description=f"Run experiments/{here.name}/sweep.yaml and draw its figures.")
    parser.add_argument("--out", type=Path, default=here / "results",
                        help="results folder (default: results/ beside this script)")
    parser.add_argument("--workers", type=int, help="worker processes (default: one per core)")
    args: argparse.Namespace = parser.parse_args()
    try:
        _refuse_another_sweeps_folder(args.out, here.name)
        run_sweep(here / "sweep.yaml", out=args.out, workers=args.workers)
        figures = draw(args.out, load_results(args.out))
        for stem, fig in figures.items():
            save(fig, args.out / f"{stem}.pdf", args.out / f"{stem}.png")
            print(f"{args.out / stem}.pdf and .png written")
    except SpecError as exc:
        print(f"{parser.prog}: error: {exc}", file=sys.stderr)
        return 2
    return 0
