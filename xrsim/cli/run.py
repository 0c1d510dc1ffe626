"""``python -m xrsim run``: simulate a scenario on a hardware system and score it.

Its run-option flags are derived from ``xrsim.options.OPTIONS``; every output path is
checked before the run starts, so a bad one costs nothing and overwrites nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from xrsim.errors import SpecError
from xrsim.hardware import load_hardware
from xrsim.hardware.library import builtin_hardware_dir
from xrsim.hardware.overrides import apply_overrides, parse_assignment
from xrsim.options import OPTIONS, Option, resolve_options
from xrsim.run import RunResult, check_overrides, simulate_resolved
from xrsim.sim.trace import Trace, write_timeline_csv
from xrsim.sim.trace_writers import write_blocks_csv, write_chrome_trace, write_jsonl, write_records_csv
from xrsim.specio import resolve_ref
from xrsim.workload import Scenario, load_scenario

Writer = Callable[[Trace, Path], None]
OUTPUTS: tuple[tuple[str, Writer, str], ...] = (
    ("trace_csv", write_timeline_csv, "timeline"),
    ("records_csv", write_records_csv, "records"),
    ("blocks_csv", write_blocks_csv, "block records"),
    ("trace_jsonl", write_jsonl, "JSON lines trace"),
    ("trace_json", write_chrome_trace, "Chrome trace"),
)
"""(argument, writer, what it writes) of every output file ``run`` can write."""


def _print_run(result: RunResult) -> None:
    s = result.score
    print(f"{result.scenario.name} on {result.system.name}  (mode {result.mode}, costs "
          f"{result.costs}, seed {result.seed}, {result.duration_s:g} s simulated)")
    header = f"{'model':<26}{'frames':>7}{'done':>6}{'drop':>6}{'RT':>8}{'EN':>8}{'QoE':>8}{'score':>8}"
    print(header)
    print("-" * len(header))
    for m in s.models.values():
        print(f"{m.model:<26}{m.frames:>7}{m.completed:>6}{m.dropped:>6}"
              f"{m.rt:>8.3f}{m.en:>8.3f}{m.qoe:>8.3f}{m.score:>8.3f}")
    print("-" * len(header))
    print(f"{'scenario (mean of models)':<45}{s.rt:>8.3f}{s.en:>8.3f}{s.qoe:>8.3f}")
    print(f"XRBench score: {s.score:.3f}")
    r = result.stats.run
    print(f"miss rate {r.miss_rate:.3f}, drop rate {r.drop_rate:.3f}, utilisation "
          + ", ".join(f"{n} {u:.2f}" for n, u in result.stats.utilisation.items()))
    p = result.power
    avg = "-" if p.power_avg_w is None else f"{p.power_avg_w:.3f}"
    per_frame = "-" if p.energy_per_frame_j is None else f"{p.energy_per_frame_j:.4g}"
    print(f"area {p.area_mm2:.3f} mm^2 at {result.system.technology_nm} nm; power average {avg} W, "
          f"peak {p.power_peak_w:.3f} W; energy per frame {per_frame} J (dynamic {p.dynamic_j:.4g}, "
          f"DRAM {p.dram_j:.4g}, static {p.static_j:.4g} J in all)")
    if result.mode == "default" and result.system.has_points:
        dvfs = result.dvfs()

        def point(u: dict) -> str:
            return f"{u['clock_ghz']:g} GHz / {u['voltage_v']:g} V x{u['inferences']}"

        used = "; ".join(f"{name} " + ", ".join(map(point, points))
                         for name, points in dvfs["sub_accelerators"].items())
        print(f"DVFS governor {dvfs['governor']}: {used or 'no inference completed'}")


def run_option_values(args: argparse.Namespace) -> dict[str, Any]:
    """The run options given on the command line (None: not given)."""
    return {name: getattr(args, name) for name, option in OPTIONS.items() if option.kind is not None}


def _input_files(args: argparse.Namespace, scenario: Scenario) -> dict[Path, str]:
    """The files a run reads, which no output may overwrite."""
    found = {path.resolve(): f"model {name} of --scenario" for name, path in scenario.model_files.items()}
    with contextlib.suppress(SpecError):  # the run itself reports it
        found[resolve_ref(args.hardware, builtin_hardware_dir(), "hardware").resolve()] = "--hardware"
    if scenario.path is not None:
        found[scenario.path.resolve()] = "--scenario"
    if args.config:
        found[Path(args.config).resolve()] = "--config"
    return found


def check_outputs(args: argparse.Namespace, scenario: Scenario) -> None:
    """Every output writable, none twice, none an input - before anything runs."""
    inputs = _input_files(args, scenario)
    taken: dict[Path, str] = {}
    for name, _, what in OUTPUTS:
        file = getattr(args, name)
        flag = "--" + name.replace("_", "-")
        if file == "":
            raise SpecError(None, flag, "needs a file name, got an empty one")
        if not file:
            continue
        path = Path(file).resolve()
        if path in taken:
            raise SpecError(file, flag, f"is also the file of {taken[path]}: give each output its own file")
        if path in inputs:
            raise SpecError(file, flag, f"is the run's input ({inputs[path]}); writing the {what} there "
                                        "would destroy it")
        if path.is_dir():
            raise SpecError(file, flag, f"cannot write the {what}: it is a folder")
        if not path.parent.is_dir():
            raise SpecError(file, flag, f"cannot write the {what}: no folder {path.parent}")
        if not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
            raise SpecError(file, flag, f"cannot write the {what}: permission denied")
        taken[path] = flag


def cmd_run(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario)
    check_outputs(args, scenario)
    values = run_option_values(args)
    if args.blocks_csv:
        values["record_blocks"] = True
    overrides = dict(parse_assignment(text) for text in args.set or [])
    system = apply_overrides(load_hardware(args.hardware), overrides)
    options = resolve_options(values)
    check_overrides(list(overrides), options)
    result = simulate_resolved(system, scenario, options)
    written = []
    for name, write, what in OUTPUTS:
        file = getattr(args, name)
        if file:
            try:
                write(result.trace, Path(file))
            except OSError as exc:
                raise SpecError(file, None, f"cannot write the {what} ({exc.strerror})") from None
            written.append(f"{what} written to {file}")
    for warning in result.warnings:
        print(f"xrsim: warning: {warning}", file=sys.stderr)
    if args.json:
        print(json.dumps(result.to_dict(), indent=2))
    else:
        _print_run(result)
        for line in written:
            print(line)
    return 0

FLAG_ALIASES = {"record_blocks": ("--trace-blocks",)}


def _option_help(option: Option) -> str:
    text = option.help
    if option.choices and option.name not in ("mode",):
        text += f"; one of: {', '.join(option.choices)}"
    if option.default is not None:
        shown = ("on" if option.default else "off") if isinstance(option.default, bool) else option.default
        text += f" (default: {shown})"
    if not option.every_mode:
        text += f" [mode {' or '.join(option.modes)} only]"
    return text.replace("%", "%%")


def add_run_options(parser: argparse.ArgumentParser) -> None:
    """A flag for every run option that one command-line value can give (xrsim.options)."""
    common = parser.add_argument_group("run options (every mode)")
    engine = parser.add_argument_group("engine options (override --config)")
    for option in OPTIONS.values():
        if option.kind is None:
            continue
        group = common if option.every_mode else engine
        flags = (option.flag, *FLAG_ALIASES.get(option.name, ()))
        if option.kind is bool:
            group.add_argument(*flags, dest=option.name, action=argparse.BooleanOptionalAction,
                               default=None, help=_option_help(option))
        else:
            kind: type = str if option.kind is Path else option.kind
            group.add_argument(*flags, dest=option.name, type=kind, default=None,
                               metavar="FILE" if option.kind is Path else None,
                               choices=option.choices if option.name == "mode" else None,
                               help=_option_help(option))


def add_run_command(subparsers: argparse._SubParsersAction) -> None:
    run = subparsers.add_parser("run", help="simulate a scenario on a hardware system and score it",
                         description="Simulate a usage scenario on a hardware system and score it with "
                                     "XRBench.")
    run.add_argument("--hardware", default="xrbench-4k-A",
                     help="built-in design name or YAML path (default: xrbench-4k-A)")
    run.add_argument("--set", action="append", metavar="PATH=VALUE",
                     help="override a hardware parameter by dotted path, e.g. dram.bandwidth_gb_per_s=64, "
                          "sub_accelerators.*.global_buffer_kib=512 or sub_accelerators.acc1.clock_ghz=0.8 "
                          "(repeatable)")
    run.add_argument("--scenario", default="vr_gaming",
                     help="built-in scenario name or YAML path (default: vr_gaming)")
    add_run_options(run)
    run.add_argument("--trace-csv", metavar="FILE", help="write the reference's timeline CSV: completed "
                     "inferences only, as the reference writes it (--records-csv has every frame)")
    run.add_argument("--records-csv", metavar="FILE", help="write every inference record as CSV")
    run.add_argument("--blocks-csv", metavar="FILE",
                     help="write one CSV row per layer block (implies --trace-blocks)")
    run.add_argument("--trace-jsonl", metavar="FILE", help="write the trace as JSON lines")
    run.add_argument("--trace-json", metavar="FILE", help="write a Chrome trace (open in Perfetto)")
    run.add_argument("--json", action="store_true", help="print the result as JSON")
    run.set_defaults(handler=cmd_run)
