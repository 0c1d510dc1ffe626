"""``python -m xrsim costs`` and ``validate-costs``: per-layer costs for architects and
the documented comparison of the analytical model with the XRBench reference's MAESTRO.

Bad input (a malformed ``--layer``, an unknown dataflow, a negative size) is a SpecError:
one line, exit status 2.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
from pathlib import Path
from typing import Any

from xrsim.atomicio import atomic_write
from xrsim.cost import CostModel, ModelCost, cost_backends, get_cost_model
from xrsim.cost.analytical import AnalyticalCostModel
from xrsim.cost.analytical.scalesim import scalesim_layer
from xrsim.errors import SpecError
from xrsim.hardware import DATAFLOWS, HardwareSystem, SubAccelerator, load_hardware
from xrsim.hardware.physical import leakage_w, sub_area
from xrsim.hardware.spec import PE_BUFFER_BYTES_EYERISS
from xrsim.specio import validate_spec
from xrsim.workload.layer_text import LAYER_KEYS, parse_layer
from xrsim.workload.layers import ConvLayer
from xrsim.workload.library import load_model
from xrsim.workload.model import Model

# A one-off layer runs on this sub-accelerator unless --hardware names one: SCALE-Sim's
# default buffers (3 x 64 KB), 8-bit words, an LPDDR4x-class 16 GB/s link and a NoC that
# feeds every array edge PE each cycle.
ONE_OFF_DRAM_GB_PER_S = 16.0
ONE_OFF_BUFFER_KIB = 192
UNBOUNDED = 1e12  # SCALE-Sim's CALC mode: no memory stalls


def parse_array(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"\s*(\d+)\s*[xX]\s*(\d+)\s*", text)
    if not match or int(match.group(1)) < 1 or int(match.group(2)) < 1:
        raise SpecError("--array", None, f"expected ROWSxCOLS with positive sizes, e.g. 32x32, got {text!r}")
    return int(match.group(1)), int(match.group(2))


def _dataflow(text: str) -> str:
    flow = text.upper()
    if flow not in DATAFLOWS:
        raise SpecError("--dataflow", None, f"unknown dataflow {text!r}; known: {', '.join(DATAFLOWS)}")
    return flow


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    update: dict[str, Any] = {}
    if args.array:
        rows, cols = parse_array(args.array)
        update.update(array=(rows, cols), num_pes=rows * cols)
    if args.dataflow:
        update["dataflow"] = _dataflow(args.dataflow)
    if args.ws_variant:
        update["ws_variant"] = args.ws_variant
    if args.clock_ghz is not None:
        update["clock_ghz"] = args.clock_ghz
    return update


def _with(sub: SubAccelerator, update: dict[str, Any]) -> SubAccelerator:
    return validate_spec(SubAccelerator, {**sub.model_dump(), **update}, "command line")


def _one_off_system(args: argparse.Namespace) -> HardwareSystem:
    rows, cols = parse_array(args.array or "32x32")
    calc = args.scalesim_compat and args.dram_gb_per_s is None
    given = ONE_OFF_DRAM_GB_PER_S if args.dram_gb_per_s is None else args.dram_gb_per_s
    dram = UNBOUNDED if calc else given
    sub = {"name": "array", "dataflow": "WS", "num_pes": rows * cols, "array": (rows, cols),
           "global_buffer_kib": ONE_OFF_BUFFER_KIB, "pe_buffer_bytes": PE_BUFFER_BYTES_EYERISS,
           "noc_words_per_cycle": UNBOUNDED if calc else rows + cols}
    return validate_spec(HardwareSystem, {
        "name": "one-off", "energy_table": args.energy_table or "accelergy-65nm",
        "dram": {"bandwidth_gb_per_s": dram}, "sub_accelerators": [sub]}, "command line")


def _pick_sub(system: HardwareSystem, name: str | None) -> SubAccelerator:
    if name is None:
        return system.sub_accelerators[0]
    for sub in system.sub_accelerators:
        if sub.name == name:
            return sub
    names = ", ".join(s.name for s in system.sub_accelerators)
    raise SpecError("--sub", None, f"no sub-accelerator '{name}' in '{system.name}'; it has: {names}")


def _layer_rows(cost: ModelCost) -> list[dict[str, Any]]:
    layers = cost.layers
    if layers is None:
        return []
    extra = getattr(layers, "compute_cycles", None)
    return [{
        "name": layers.names[i], "macs": int(layers.macs[i]), "cycles": round(float(layers.cycles[i])),
        **({"compute_cycles": int(extra[i])} if extra is not None else {}),
        "latency_s": float(layers.latency_s[i]), "energy_j": float(layers.energy_j[i]),
        "dram_bytes": float(layers.dram_bytes[i]), "utilisation": float(layers.utilisation[i]),
        "bound": layers.bound[i],
    } for i in range(len(layers))]


def _print_table(cost: ModelCost, system: HardwareSystem, sub: SubAccelerator, backend: str) -> None:
    print(f"{cost.model} on {system.name}/{sub.name} ({sub.dataflow}, {sub.rows}x{sub.cols} PEs, "
          f"{sub.clock_ghz:g} GHz, costs {backend}, energy table {system.energy.name})")
    rows = _layer_rows(cost)
    if rows:
        head = f"{'layer':<24}{'MACs':>22}{'cycles':>19}{'bound':>9}{'util':>8}{'energy (J)':>13}"
        print(head)
        print("-" * len(head))
        for r in rows:
            # 22 and 19 columns hold 2^53 MACs and cycles (the largest a layer may have), spaced
            print(f"{r['name'][:23]:<24}{r['macs']:>22,}{r['cycles']:>19,}{r['bound']:>9}"
                  f"{r['utilisation']:>8.3f}{r['energy_j']:>13.4e}")
        print("-" * len(head))
    else:
        print("(the table backend knows whole-model costs only)")
    dram = f", DRAM {cost.dram_bytes:,.0f} B" if cost.dram_bytes is not None else ""
    util = f", utilisation {cost.utilisation:.3f}" if cost.utilisation is not None else ""
    print(f"total: latency {cost.latency_s:.6e} s, energy {cost.energy_j:.6e} J{dram}{util}")
    area = sub_area(sub, system).to_dict()
    terms = ", ".join(f"{k.removesuffix('_mm2').replace('_', ' ')} {v:.4g}" for k, v in area.items()
                      if k != "area_mm2")
    print(f"area at {system.technology_nm} nm: {area['area_mm2']:.4g} mm^2 ({terms}); "
          f"leakage {leakage_w(sub, system):.4g} W")


def _write_csv(path: Path, cost: ModelCost) -> None:
    rows = _layer_rows(cost)
    total = {"name": "TOTAL", "latency_s": cost.latency_s, "energy_j": cost.energy_j,
             "dram_bytes": cost.dram_bytes if cost.dram_bytes is not None else ""}
    fields = list(rows[0]) if rows else list(total)
    try:
        with atomic_write(path, newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
            writer.writerow(total)
    except OSError as exc:
        raise SpecError(path, None, f"cannot write CSV ({exc.strerror})") from None


def cmd_costs(args: argparse.Namespace) -> int:
    args.scalesim_compat = args.scalesim_compat or args.scalesim_paper
    if args.layer:
        model = parse_layer(args.layer)
        if args.scalesim_compat:
            model = Model(name=model.name, layers=tuple(
                scalesim_layer(layer) if isinstance(layer, ConvLayer) else layer for layer in model.layers))
        system = load_hardware(args.hardware) if args.hardware else _one_off_system(args)
        if args.model:
            raise SpecError("--model", None, "give --model or --layer, not both")
    else:
        if not args.hardware or not args.model:
            raise SpecError(None, "costs", "give --hardware and --model, or --layer")
        for flag, value in (("--dram-gb-per-s", args.dram_gb_per_s), ("--energy-table", args.energy_table)):
            if value is not None:
                raise SpecError(flag, None, "applies to a one-off --layer; a --hardware spec sets its own")
        system, model = load_hardware(args.hardware), load_model(args.model)
    sub = _with(_pick_sub(system, args.sub), _overrides(args))
    backend: CostModel
    if args.costs == "analytical":
        backend = AnalyticalCostModel(scalesim_compat=args.scalesim_compat,
                                      scalesim_paper=args.scalesim_paper)
    elif args.scalesim_compat:
        raise SpecError("--scalesim-compat", None, "applies to --costs analytical only")
    elif args.clock_ghz is not None or args.ws_variant:
        # measured costs are per (dataflow, PEs, NoC); a clock or a WS mapping changes nothing
        flag = "--clock-ghz" if args.clock_ghz is not None else "--ws-variant"
        raise SpecError(flag, None, f"has no effect on --costs {args.costs}, whose costs were measured "
                                    "elsewhere; use --costs analytical")
    else:
        backend = get_cost_model(args.costs)
    cost = backend.model_cost(model, sub, system)
    if args.csv:
        _write_csv(Path(args.csv), cost)
    if args.json:
        out: dict[str, Any] = {
            "model": cost.model, "hardware": system.name, "sub_accelerator": sub.name,
            "dataflow": sub.dataflow, "array": [sub.rows, sub.cols], "costs": args.costs,
            "energy_table": system.energy.name, "latency_s": cost.latency_s,
            "energy_j": cost.energy_j, "dram_bytes": cost.dram_bytes,
            "utilisation": cost.utilisation, "technology_nm": system.technology_nm,
            "area": sub_area(sub, system).to_dict(), "leakage_w": leakage_w(sub, system),
            "layers": _layer_rows(cost),
        }
        if args.layer:  # one layer: its figures at the top level, for scripts
            out.update({k: v for k, v in out["layers"][0].items() if k != "name"})
        print(json.dumps(out, indent=2))
    else:
        _print_table(cost, system, sub, args.costs)
        if args.csv:
            print(f"per-layer table written to {args.csv}")
    return 0


def cmd_validate_costs(args: argparse.Namespace) -> int:
    from xrsim.cost.analytical.validation import validation_report  # only this command needs it

    text, summary = validation_report()
    print(summary)
    if args.out:
        out = Path(args.out)
        try:
            with atomic_write(out) as handle:
                handle.write(text)
        except OSError as exc:
            raise SpecError(out, None, f"cannot write ({exc.strerror})") from None
        print(f"the whole comparison written to {out}")
    return 0


def add_cost_commands(subparsers: argparse._SubParsersAction) -> None:
    """Register ``costs`` and ``validate-costs`` on the CLI's subparsers."""
    costs = subparsers.add_parser(
        "costs", help="per-layer latency, energy and bounds of a model, or of one layer",
        description="Per-layer costs of --model on --hardware, or of one --layer on an array.")
    costs.add_argument("--hardware", help="built-in design name or YAML path")
    costs.add_argument("--model", help="built-in model name or YAML path")
    costs.add_argument("--layer", help="one layer as KIND:KEY=N,...: " + "; ".join(
        f"{kind}: {', '.join(keys)}" for kind, keys in LAYER_KEYS.items())
        + " (conv: H, W inputs without padding; C, K totals)")
    costs.add_argument("--costs", default="analytical",
                       help="cost backend: " + ", ".join(cost_backends()) + " (default: analytical)")
    costs.add_argument("--sub", help="sub-accelerator of a multi-accelerator design (default: the first)")
    costs.add_argument("--array", help="override the PE array, ROWSxCOLS (e.g. 32x32; a one-off layer: "
                                       "32x32)")
    costs.add_argument("--dataflow", help="override the dataflow: " + ", ".join(DATAFLOWS))
    costs.add_argument("--ws-variant", choices=("systolic", "nvdla"), help="WS mapping (default: the spec's)")
    costs.add_argument("--clock-ghz", type=float, help="override the clock")
    costs.add_argument("--scalesim-compat", action="store_true",
                       help="SCALE-Sim v2's exact cycle counts; a one-off layer then runs stall-free "
                            "(CALC mode) unless --dram-gb-per-s is given")
    costs.add_argument("--scalesim-paper", action="store_true",
                       help="as --scalesim-compat, with the SCALE-Sim paper's OS drain (2Ar + Ac - 2 "
                            "per fold) instead of its code's (Ar + Ac - 2)")
    costs.add_argument("--dram-gb-per-s", type=float, help=f"one-off layer: DRAM link (default "
                       f"{ONE_OFF_DRAM_GB_PER_S:g})")
    costs.add_argument("--energy-table", help="one-off layer: energy table (default accelergy-65nm)")
    costs.add_argument("--csv", metavar="FILE", help="write the per-layer table as CSV")
    costs.add_argument("--json", action="store_true", help="print totals and per-layer list as JSON")
    costs.set_defaults(handler=cmd_costs)

    val = subparsers.add_parser(
        "validate-costs", help="compare the analytical model with the XRBench reference's MAESTRO costs",
        description="Cost every XRBench model on every Figure 5 sub-accelerator with the analytical "
                    "model and compare it with the reference's MAESTRO costs (rank correlation, ratios); "
                    "prints the summary; --out FILE writes the whole comparison (experiments/validation "
                    "makes it with the rest of the validation).")
    val.add_argument("--out", metavar="FILE", help="write the whole comparison as markdown (default: none)")
    val.set_defaults(handler=cmd_validate_costs)
