"""From a sweep spec to the list of runs: designs and scenarios found, axes combined, every
option checked before anything runs, and each run given its key and its ``run`` command.

Loading a design or a scenario that exists but is broken is not a spec error: its runs
are planned as failed, with the message, and the others go on. Everything else that is
wrong - an unknown name, a glob that matches nothing, an override that names no field, an
option the run's mode does not take - is a SpecError naming the spec file and the field.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import hashlib
import itertools
import json
import os
import shlex
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xrsim.errors import SpecError
from xrsim.hardware import HardwareSystem, list_hardware, load_hardware
from xrsim.hardware.overrides import UnknownOverride, apply_overrides
from xrsim.options import CONFIG_OPTION, OPTIONS, RunOptions, resolve_options
from xrsim.run import check_overrides
from xrsim.sim.engines import get_engine
from xrsim.specio import names_a_path
from xrsim.sweep.generate import generate_designs, load_generate_spec
from xrsim.sweep.spec import SeedRange, _SweepBase, option_axes
from xrsim.workload import Scenario, list_scenarios, load_scenario

GLOB_CHARS = "*?["
MAX_RUNS = 1_000_000
"""Runs one sweep may plan: its plan holds about 1 KB a run (a million plan in about 20 s
and 1 GB); split larger studies into several specs."""
MAX_SEED = 2**63 - 1
"""The largest seed ``run --seed`` takes, so that every row's command repeats it."""


@dataclass(frozen=True)
class RunPoint:
    """What a worker needs for one run, and nothing more, so that tasks pickle cheaply:
    references (built-in names or absolute paths) and option values, never loaded specs."""

    key: str
    design: str
    overrides: str
    """The ``set`` overrides as JSON: hashable, so a worker can key its caches on them."""
    scenario: str
    options: tuple[tuple[str, Any], ...]


@dataclass(frozen=True)
class PlannedRun:
    point: RunPoint
    labels: dict[str, Any]
    """design, scenario, seed, mode, costs and every axis value: the row's leading columns."""
    command: str
    error: str | None = None
    """Why the run fails before it starts (its design or scenario does not load)."""


@dataclass(frozen=True)
class Entry:
    """A design or a scenario of the sweep: its label, how a worker and a user find it,
    and what it loaded as (or why it did not)."""

    label: str
    ref: str
    shown: str
    loaded: HardwareSystem | Scenario | None
    error: str | None = None


@dataclass
class Sweep:
    name: str
    source: Path | None
    spec: _SweepBase
    designs: list[Entry]
    generated: list[HardwareSystem]
    scenarios: list[Entry]
    axes: list[str]
    runs: list[PlannedRun]
    systems: dict[tuple[str, str], HardwareSystem] = dataclasses.field(default_factory=dict)
    """Each (design reference, overrides as JSON) of the runs, as planning built it: what a
    worker would load, lent to workers that start as copies of this process."""


def shown_path(path: Path) -> str:
    """A path as a command run from the working directory should give it."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


def _expand(text: str, field: str, base: Path, builtin: list[str], kind: str,
            source: Path | None) -> list[str | Path]:
    """A name, a path or a glob -> built-in names (str) and files (Path)."""
    if names_a_path(text):
        pattern = Path(text).expanduser()
        pattern = pattern if pattern.is_absolute() else base / pattern
        if any(c in text for c in GLOB_CHARS):
            found = sorted(Path(p) for p in _glob(pattern))
            if not found:
                raise SpecError(source, field, f"the pattern '{text}' matches no file")
            return [p.resolve() for p in found]
        if not pattern.is_file():
            raise SpecError(source, field, f"no such {kind} file: {pattern}")
        return [pattern.resolve()]
    if any(c in text for c in GLOB_CHARS):
        names = [n for n in builtin if fnmatch.fnmatchcase(n, text)]
        if not names:
            raise SpecError(source, field, f"the pattern '{text}' matches no built-in {kind}; "
                                           f"built-in ones: {', '.join(builtin)}")
        return list(names)
    if text not in builtin:
        raise SpecError(source, field, f"unknown {kind} '{text}'; built-in ones: {', '.join(builtin)} "
                                       "(or give a path)")
    return [text]


def _glob(pattern: Path) -> Iterator[Path]:
    anchor = Path(pattern.anchor)
    return anchor.glob(str(pattern.relative_to(anchor)))


def design_entries(spec: _SweepBase, base: Path, out: Path, source: Path | None
             ) -> tuple[list[Entry], list[HardwareSystem]]:
    entries: list[Entry] = []
    generated: list[HardwareSystem] = []
    builtin = list_hardware()
    for i, item in enumerate(spec.designs):
        field = f"designs[{i}]"
        if isinstance(item, dict):
            if set(item) != {"generate"} or not isinstance(item["generate"], dict):
                raise SpecError(source, field, "a mapping entry takes one key, generate: {...}")
            systems = generate_designs(load_generate_spec(item["generate"], source, f"{field}.generate"),
                                       source)
            for system in systems:
                path = (out / "designs" / f"{system.name}.yaml").resolve()
                entries.append(Entry(system.name, str(path), shown_path(path), system))
            generated.extend(systems)
            continue
        entries += _entries(_expand(item, field, base, builtin, "hardware", source), load_hardware)
    return _unique(entries, "designs", source), generated


def scenario_entries(spec: _SweepBase, base: Path, source: Path | None) -> list[Entry]:
    items = [spec.scenarios] if isinstance(spec.scenarios, str) else spec.scenarios
    entries: list[Entry] = []
    builtin = list_scenarios()
    for i, item in enumerate(items):
        found = _expand(item, f"scenarios[{i}]", base, builtin, "scenario", source)
        entries += _entries(found, load_scenario)
    return _unique(entries, "scenarios", source)


def _entries(found: list[str | Path], load: Callable[[str | Path], HardwareSystem | Scenario]) -> list[Entry]:
    """Built-in names and files as entries: each with how a worker finds it (a name or an
    absolute path), how a command names it, and what it loaded as - or, if it does not
    load, why, under its file's stem."""
    entries = []
    for name_or_path in found:
        ref, shown, stem = ((str(name_or_path), shown_path(name_or_path), name_or_path.stem)
                            if isinstance(name_or_path, Path) else (name_or_path,) * 3)
        try:
            loaded = load(name_or_path)
        except SpecError as exc:
            entries.append(Entry(stem, ref, shown, None, str(exc)))
            continue
        entries.append(Entry(loaded.name, ref, shown, loaded))
    return entries


def _unique(entries: list[Entry], field: str, source: Path | None) -> list[Entry]:
    """Entries by label, first one kept; a label that means two different things is an error."""
    seen: dict[str, Entry] = {}
    for entry in entries:
        first = seen.setdefault(entry.label, entry)
        if first is not entry and _content(first) != _content(entry):
            where = (f"({first.shown}, {entry.shown})" if first.shown != entry.shown else
                     "(two generate blocks: give them different name_prefix values)")
            raise SpecError(source, field, f"two different entries are both named '{entry.label}' {where}; "
                                           "rows are told apart by name")
    return list(seen.values())


def _content(entry: Entry) -> str:
    if isinstance(entry.loaded, HardwareSystem):
        return entry.loaded.model_dump_json()
    if isinstance(entry.loaded, Scenario):
        return scenario_content(entry.loaded)
    return entry.error or ""


def scenario_content(scenario: Scenario) -> str:
    models = {name: model.model_dump(mode="json") for name, model in sorted(scenario.models.items())}
    return json.dumps({"spec": scenario.spec.model_dump(mode="json", by_alias=True), "models": models},
                      sort_keys=True)


def _seeds(spec: _SweepBase, source: Path | None) -> list[int]:
    if isinstance(spec.seeds, SeedRange):
        first, count = spec.seeds.first, spec.seeds.count
        if count > MAX_RUNS or first + count - 1 > MAX_SEED:
            raise SpecError(source, "seeds", f"a range must stay within {MAX_RUNS:,} seeds and seed "
                                             f"{MAX_SEED}")
        return list(range(first, first + count))
    if isinstance(spec.seeds, int):
        if not 1 <= spec.seeds <= MAX_RUNS:
            raise SpecError(source, "seeds", f"a count must be from 1 to {MAX_RUNS:,}, got {spec.seeds}")
        return list(range(spec.seeds))
    if (not spec.seeds or any(not 0 <= s <= MAX_SEED for s in spec.seeds)
            or len(set(spec.seeds)) != len(spec.seeds)):
        raise SpecError(source, "seeds", f"a list must hold distinct seeds from 0 to {MAX_SEED}")
    return list(spec.seeds)


def _zipped(axes: dict[str, list[Any]], field: str, source: Path | None) -> list[dict[str, Any]]:
    """Lists paired element by element; a single value goes with every element."""
    lengths = {len(v) for v in axes.values() if len(v) > 1}
    if len(lengths) > 1:
        given = ", ".join(f"{n}: {len(v)}" for n, v in axes.items() if len(v) > 1)
        raise SpecError(source, field, f"zip needs every list to have one length; got {given}")
    count = lengths.pop() if lengths else 1
    return [{n: (v[i] if len(v) > 1 else v[0]) for n, v in axes.items()} for i in range(count)]


def _combinations(axes: dict[str, list[Any]], spec: _SweepBase, source: Path | None) -> list[dict[str, Any]]:
    """The option and override values of each run: the grid (cartesian product) of the
    axes, or their zip; ``zip: [names]`` pairs those axes first and crosses the rest."""
    if spec.combine == "zip":
        if spec.zip:
            raise SpecError(source, "zip", "combine: zip pairs every axis already; leave zip out")
        return _zipped(axes, "combine", source)
    unknown = [n for n in spec.zip if n not in axes]
    if unknown:
        raise SpecError(source, "zip", f"'{unknown[0]}' is not an axis of this spec; axes: {', '.join(axes)}")
    groups: list[list[dict[str, Any]]] = []
    if spec.zip:
        groups.append(_zipped({n: axes[n] for n in spec.zip}, "zip", source))
    groups += [[{name: value} for value in values] for name, values in axes.items() if name not in spec.zip]
    combos = [{k: v for part in parts for k, v in part.items()} for parts in itertools.product(*groups)]
    return [{name: combo[name] for name in axes} for combo in combos]


def _absolute_config(value: Any, base: Path) -> Any:
    if isinstance(value, str):
        path = Path(value).expanduser()
        return str(path if path.is_absolute() else (base / path).resolve())
    return value


def _flag_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value)
    return str(value)


def run_command(design: str, scenario: str, options: dict[str, Any], overrides: dict[str, Any]) -> str:
    """The ``python -m xrsim run`` command that repeats one run alone."""
    argv = ["python", "-m", "xrsim", "run", "--hardware", design, "--scenario", scenario]
    for name, value in options.items():
        option = OPTIONS[name]
        if option.kind is bool:
            argv.append(option.flag if value else "--no-" + option.flag[2:])
        else:
            argv += [option.flag, shown_path(Path(value)) if name == CONFIG_OPTION else _flag_value(value)]
    for path, value in overrides.items():
        argv += ["--set", f"{path}={_flag_value(value)}"]
    return shlex.join(argv)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def run_key(*parts: str) -> str:
    """A run's key: a hash of its fully resolved inputs and the xrsim version."""
    from xrsim import __version__

    digest = hashlib.sha256(__version__.encode())
    for part in parts:
        digest.update(b"\0" + part.encode())
    return digest.hexdigest()[:20]


def _resolve_all(combos: list[dict[str, Any]], scenarios: list[Entry], source: Path | None
                 ) -> list[RunOptions]:
    """Every option set checked now, and against every scenario, before anything runs."""
    resolved = []
    for combo in combos:
        options = resolve_options(combo, source)
        engine = get_engine(options.mode)
        for entry in scenarios:
            if isinstance(entry.loaded, Scenario):
                try:
                    engine.check(entry.loaded, options.engine_options, options.duration_s)
                except SpecError as exc:
                    raise SpecError(source, exc.field, f"scenario '{entry.label}': {exc.message}") from None
        resolved.append(options)
    return resolved


def plan_sweep(spec: _SweepBase, *, source: Path | None, out: Path, designs: list[Entry] | None = None,
               scenarios: list[Entry] | None = None) -> Sweep:
    """The runs of ``spec``; ``designs`` and ``scenarios``, where given, replace the spec's
    (a search plans each trial's design, with the scenarios it loaded once)."""
    base = source.parent if source is not None else Path.cwd()
    generated: list[HardwareSystem] = []
    if designs is None:
        designs, generated = design_entries(spec, base, out, source)
    if scenarios is None:
        scenarios = scenario_entries(spec, base, source)
    seeds = _seeds(spec, source)
    option_values = option_axes(spec)
    empty = [name for name, values in option_values.items() if not values]
    empty += [f"set.{path}" for path, value in spec.set.items() if value == []]
    if empty:
        raise SpecError(source, empty[0], "an empty list gives no runs; give at least one value")
    if "seed" in option_values:
        raise SpecError(source, "seed", "give seeds under 'seeds' (a count or a list)")
    if CONFIG_OPTION in option_values:
        option_values[CONFIG_OPTION] = [_absolute_config(v, base) for v in option_values[CONFIG_OPTION]]
    set_values = {f"set.{path}": (list(v) if isinstance(v, list) else [v]) for path, v in spec.set.items()}
    combos = _combinations({**option_values, **set_values}, spec, source)
    # None in a list means "not given" in that run: how a zip leaves an option out of one mode.
    option_combos = [{k: v for k, v in c.items() if not k.startswith("set.") and v is not None}
                     for c in combos]
    resolved = _resolve_all(option_combos, scenarios, source)
    axes = [*option_values, *set_values]
    planned = len(designs) * len(combos) * len(scenarios) * len(seeds)
    if planned > MAX_RUNS:
        raise SpecError(source, None, f"{planned:,} runs is more than a sweep takes ({MAX_RUNS:,}); "
                                      "split it into several specs")
    scenario_digests = [_digest(_content(s)) for s in scenarios]
    systems: dict[tuple[str, str], HardwareSystem] = {}
    runs: list[PlannedRun] = []
    for design in designs:
        for combo, options, given in zip(combos, resolved, option_combos, strict=True):
            overrides = {k.removeprefix("set."): v for k, v in combo.items()
                         if k.startswith("set.") and v is not None}
            check_overrides(list(overrides), options, source)
            system, error = _overridden(design, overrides, source)
            if system is not None:
                systems[(design.ref, json.dumps(overrides))] = system
            design_digest = _digest(system.model_dump_json() if system is not None
                                    else f"{design.ref}\n{json.dumps(overrides)}\n{error}")
            for scenario, scenario_digest in zip(scenarios, scenario_digests, strict=True):
                for seed in seeds:
                    runs.append(_planned(design, scenario, seed, options, given, overrides, combo,
                                         design_digest, scenario_digest, error or scenario.error))
    seen: dict[str, PlannedRun] = {}
    for run in runs:
        twin = seen.setdefault(run.point.key, run)
        if twin is not run:
            raise SpecError(source, None, f"two runs are the same run ({twin.labels} and {run.labels}): "
                                          "give each value of an axis once")
    return Sweep(name=spec.name or (source.stem if source else "sweep"), source=source, spec=spec,
                 designs=designs, generated=generated, scenarios=scenarios, axes=axes, runs=runs,
                 systems=systems)


def _overridden(design: Entry, overrides: dict[str, Any], source: Path | None
                ) -> tuple[HardwareSystem | None, str | None]:
    if not isinstance(design.loaded, HardwareSystem):
        return None, design.error
    try:
        return apply_overrides(design.loaded, overrides, source), None
    except UnknownOverride:
        raise
    except SpecError as exc:
        return None, f"{design.label}: {exc.field}: {exc.message}"


def _planned(design: Entry, scenario: Entry, seed: int, options: RunOptions, given: dict[str, Any],
             overrides: dict[str, Any], combo: dict[str, Any], design_text: str, scenario_text: str,
             error: str | None) -> PlannedRun:
    seeded = dataclasses.replace(options, seed=seed)
    key = run_key(design_text, scenario_text, json.dumps(seeded.to_dict(), sort_keys=True))
    values = {**given, "mode": options.mode, "costs": options.costs, "seed": seed}
    point = RunPoint(key=key, design=design.ref, overrides=json.dumps(overrides), scenario=scenario.ref,
                     options=tuple(sorted(values.items())))
    labels = {"design": design.label, "scenario": scenario.label, "seed": seed, "mode": options.mode,
              "costs": options.costs}
    labels.update({k: v for k, v in combo.items() if k not in labels})
    ordered = {"mode": options.mode, "costs": options.costs, "seed": seed,
               **{k: v for k, v in given.items() if k not in ("mode", "costs")}}
    return PlannedRun(point=point, labels=labels,
                      command=run_command(design.shown, scenario.shown, ordered, overrides), error=error)

