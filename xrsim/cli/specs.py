"""``python -m xrsim list`` and ``validate``: what is built in, and whether spec files are good."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from xrsim.cost import cost_backends
from xrsim.errors import SpecError
from xrsim.hardware import DATAFLOWS, ENERGY_TABLES, HardwareSystem, list_hardware, load_hardware
from xrsim.hardware.library import load_hardware_file
from xrsim.options import OPTIONS
from xrsim.sim.config import load_sim_config
from xrsim.sim.engines import ENGINES
from xrsim.sim.governors import governor_names
from xrsim.sim.placement import placement_names
from xrsim.sim.schedulers import scheduler_names
from xrsim.specio import read_yaml, spec_kind
from xrsim.workload import Model, list_models, list_scenarios
from xrsim.workload.layers import LAYER_KINDS
from xrsim.workload.library import load_model_file, load_scenario_file


def builtins() -> dict[str, list[str]]:
    """Every name a spec or an option may use, by kind."""
    return {
        "hardware": list_hardware(),
        "scenarios": list_scenarios(),
        "models": list_models(),
        "modes": ENGINES.names(),
        "cost backends": cost_backends(),
        "energy tables": sorted(ENERGY_TABLES),
        "schedulers": scheduler_names(),
        "placements": placement_names(),
        "DVFS governors": governor_names(),
        "drop policies": list(OPTIONS["drop_policy"].choices or ()),
        "dataflows": list(DATAFLOWS),
        "layer kinds": LAYER_KINDS,
        "run options": list(OPTIONS),
    }


def _detail(title: str, name: str) -> str:
    if title == "hardware":
        system = load_hardware(name)
        flows = "+".join(s.dataflow for s in system.sub_accelerators)
        return f"{name:<16}{system.total_pes:>6} PEs  {flows}"
    if title == "modes":
        return f"{name:<10}{ENGINES.get(name).summary}"
    if title == "run options":
        option = OPTIONS[name]
        modes = "every mode" if option.every_mode else "mode " + " or ".join(option.modes)
        return f"{name:<20}{modes:<14}{option.help}"
    return name


def cmd_list(args: argparse.Namespace) -> int:
    what = builtins()
    if args.json:
        print(json.dumps(what, indent=2))
        return 0
    for title, names in what.items():
        print(f"{title}:")
        for name in names:
            print(f"  {_detail(title, name)}")
    return 0


def describe(path: Path) -> str:
    """What a spec file holds, or a SpecError saying what is wrong with it. An .onnx file
    is a model, checked by importing it as a scenario naming it would."""
    kind = "model" if path.suffix.lower() == ".onnx" else spec_kind(read_yaml(path), path)
    if kind == "hardware":
        system: HardwareSystem = load_hardware_file(path)
        return (f"hardware system '{system.name}': {len(system.sub_accelerators)} "
                f"sub-accelerator(s), {system.total_pes} PEs")
    if kind == "model":
        model: Model = load_model_file(path)
        return f"model '{model.name}': {len(model.layers)} layers, {model.total_macs:,} MACs"
    if kind == "scenario":
        scenario = load_scenario_file(path)
        return (f"scenario '{scenario.name}': {len(scenario.uses)} models, "
                f"{len(scenario.spec.cascades)} cascade(s)")
    config = load_sim_config(path)
    return (f"engine config: scheduler {config.scheduler}, placement {config.placement}, "
            f"granularity {config.granularity}{', preemptive' if config.preemptive else ''}")


def cmd_validate(args: argparse.Namespace) -> int:
    """Every file checked, one line each; exit 2 if any is bad."""
    bad = 0
    for file in args.files:
        try:
            print(f"{file}: OK - {describe(Path(file))}")
        except SpecError as exc:
            bad += 1
            print(f"xrsim: error: {exc}", file=sys.stderr)
    return 2 if bad else 0


def add_spec_commands(subparsers: argparse._SubParsersAction) -> None:
    lst = subparsers.add_parser(
        "list", help="name everything built in: designs, scenarios, models, modes, backends, options",
        description="Name the built-in designs, scenarios and models, and every mode, cost backend, "
                    "energy table, scheduler, placement, drop policy, dataflow, layer kind and run option.")
    lst.add_argument("--json", action="store_true", help="print the names as JSON")
    lst.set_defaults(handler=cmd_list)

    val = subparsers.add_parser(
        "validate", help="check spec files (hardware, model - YAML or .onnx - scenario or engine config)",
        description="Check each spec file - a hardware system, a model, a scenario or an engine config - "
                    "and say what it holds; a bad file gets one line naming the file and field. Exit "
                    "status 2 if any file is bad.")
    val.add_argument("files", nargs="+", metavar="FILE")
    val.set_defaults(handler=cmd_validate)
