"""Command line: ``python -m xrsim run | list | validate``.

Bad input ends with one line naming the file and field, and exit status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from xrsim.cli_costs import add_cost_commands
from xrsim.cost import cost_backends
from xrsim.errors import SpecError
from xrsim.hardware import HardwareSystem, list_hardware, load_hardware
from xrsim.hardware.library import load_hardware_file
from xrsim.hardware.overrides import apply_overrides, parse_assignment
from xrsim.options import OPTIONS, Option
from xrsim.run import RunResult, simulate
from xrsim.sim.config import SimConfig, load_sim_config
from xrsim.sim.engines import ENGINES
from xrsim.sim.placement import placement_names
from xrsim.sim.schedulers import scheduler_names
from xrsim.sim.trace import write_timeline_csv
from xrsim.sim.trace_writers import write_blocks_csv, write_chrome_trace, write_jsonl, write_records_csv
from xrsim.specio import read_yaml
from xrsim.workload import Model, list_models, list_scenarios
from xrsim.workload.library import load_model_file, load_scenario_file

EXIT_BAD_INPUT = 2
Handler = Callable[[argparse.Namespace], int]


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


def run_option_values(args: argparse.Namespace) -> dict[str, Any]:
    """The run options given on the command line (None: not given)."""
    return {name: getattr(args, name) for name, option in OPTIONS.items() if option.kind is not None}


def cmd_run(args: argparse.Namespace) -> int:
    values = run_option_values(args)
    if args.blocks_csv:
        values["record_blocks"] = True
    overrides = dict(parse_assignment(text) for text in args.set or [])
    system = apply_overrides(load_hardware(args.hardware), overrides)
    result = simulate(system, args.scenario, **values)
    writers = [(args.trace_csv, write_timeline_csv, "timeline"),
               (args.records_csv, write_records_csv, "records"),
               (args.blocks_csv, write_blocks_csv, "block records"),
               (args.trace_jsonl, write_jsonl, "JSON lines trace"),
               (args.trace_json, write_chrome_trace, "Chrome trace")]
    for file, write, what in writers:
        if file:
            try:
                write(result.trace, Path(file))
            except OSError as exc:
                raise SpecError(file, None, f"cannot write the {what} ({exc.strerror})") from None
    for warning in result.warnings:
        print(f"xrsim: warning: {warning}", file=sys.stderr)
    if args.json:
        print(json.dumps(result.to_dict(), indent=2))
    else:
        _print_run(result)
        for file, _, what in writers:
            if file:
                print(f"{what} written to {file}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from xrsim.hardware.library import load_hardware

    what = {
        "hardware": list_hardware(),
        "scenarios": list_scenarios(),
        "models": list_models(),
        "cost backends": cost_backends(),
        "modes": ENGINES.names(),
        "schedulers": scheduler_names(),
        "placements": placement_names(),
    }
    if args.json:
        print(json.dumps(what, indent=2))
        return 0
    for title, names in what.items():
        print(f"{title}:")
        for name in names:
            line = f"  {name}"
            if title == "hardware":
                system = load_hardware(name)
                flows = "+".join(s.dataflow for s in system.sub_accelerators)
                line = f"  {name:<16}{system.total_pes:>6} PEs  {flows}"
            print(line)
    return 0


def _describe(path: Path) -> str:
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise SpecError(path, None, f"expected a mapping at the top level, got {type(data).__name__}")
    if "sub_accelerators" in data:
        system: HardwareSystem = load_hardware_file(path)
        return (f"hardware system '{system.name}': {len(system.sub_accelerators)} "
                f"sub-accelerator(s), {system.total_pes} PEs")
    if "layers" in data:
        model: Model = load_model_file(path)
        return f"model '{model.name}': {len(model.layers)} layers, {model.total_macs:,} MACs"
    if "models" in data:
        scenario = load_scenario_file(path)
        return (f"scenario '{scenario.name}': {len(scenario.uses)} models, "
                f"{len(scenario.spec.cascades)} cascade(s)")
    if isinstance(data, dict) and data and set(data) <= set(SimConfig.model_fields):
        config = load_sim_config(path)
        return (f"engine config: scheduler {config.scheduler}, placement {config.placement}, "
                f"granularity {config.granularity}{', preemptive' if config.preemptive else ''}")
    raise SpecError(path, None, "not a hardware system (sub_accelerators), model (layers), "
                                "scenario (models) or engine config (scheduler, ...) spec")


def cmd_validate(args: argparse.Namespace) -> int:
    for file in args.files:
        print(f"{file}: OK - {_describe(Path(file))}")
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="xrsim", description=(
        "Simulate ML accelerators serving extended-reality workloads and score them with "
        "XRBench."))
    sub = parser.add_subparsers(dest="command")

    run = sub.add_parser("run", help="simulate a scenario on a hardware system and score it",
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

    lst = sub.add_parser("list", help="name the built-in designs, scenarios, models, backends")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(handler=cmd_list)

    val = sub.add_parser("validate", help="check spec files (hardware, model, scenario or engine config)")
    val.add_argument("files", nargs="+", metavar="FILE")
    val.set_defaults(handler=cmd_validate)
    add_cost_commands(sub)
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
