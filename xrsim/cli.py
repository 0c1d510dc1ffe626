"""Command line: ``python -m xrsim run | list | validate``.

Bad input ends with one line naming the file and field, and exit status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from xrsim.cli_costs import add_cost_commands
from xrsim.cost import cost_backends
from xrsim.errors import SpecError
from xrsim.hardware import HardwareSystem, list_hardware
from xrsim.hardware.library import load_hardware_file
from xrsim.run import MODES, RunResult, simulate
from xrsim.sim.trace import write_timeline_csv
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


def cmd_run(args: argparse.Namespace) -> int:
    result = simulate(args.hardware, args.scenario, mode=args.mode, costs=args.costs,
                      seed=args.seed, duration_s=args.duration_s)
    if args.trace_csv:
        write_timeline_csv(result.trace, Path(args.trace_csv))
    if args.json:
        print(json.dumps(result.to_dict(), indent=2))
    else:
        _print_run(result)
        if args.trace_csv:
            print(f"timeline written to {args.trace_csv}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from xrsim.hardware.library import load_hardware

    what = {
        "hardware": list_hardware(),
        "scenarios": list_scenarios(),
        "models": list_models(),
        "cost backends": cost_backends(),
        "modes": list(MODES),
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
    raise SpecError(path, None, "not a hardware system (sub_accelerators), model (layers) "
                                "or scenario (models) spec")


def cmd_validate(args: argparse.Namespace) -> int:
    for file in args.files:
        print(f"{file}: OK - {_describe(Path(file))}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="xrsim", description=(
        "Simulate ML accelerators serving extended-reality workloads and score them with "
        "XRBench."))
    sub = parser.add_subparsers(dest="command")

    run = sub.add_parser("run", help="simulate a scenario on a hardware system and score it")
    run.add_argument("--hardware", default="xrbench-4k-A", help="built-in design name or YAML path")
    run.add_argument("--scenario", default="vr_gaming", help="built-in scenario name or YAML path")
    run.add_argument("--mode", default="xrbench", choices=MODES,
                     help="xrbench: the reference runtime's semantics")
    run.add_argument("--costs", default="table", help="cost backend: " + ", ".join(cost_backends()))
    run.add_argument("--seed", type=int, default=0, help="seed of the run's random streams")
    run.add_argument("--duration-s", type=float, default=None,
                     help="simulated time (default: the reference's 0.7 s)")
    run.add_argument("--trace-csv", metavar="FILE", help="write the timeline CSV (reference format)")
    run.add_argument("--json", action="store_true", help="print the result as JSON")
    run.set_defaults(handler=cmd_run)

    lst = sub.add_parser("list", help="name the built-in designs, scenarios, models, backends")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(handler=cmd_list)

    val = sub.add_parser("validate", help="check spec files (hardware, model or scenario)")
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
    except BrokenPipeError:
        return 0
