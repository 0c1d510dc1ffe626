"""A multi-objective design-space search: a sweep spec's ``search:`` block, run with Optuna.

Each trial chooses a point of the space (the design generator's keys and ``set`` paths,
as choices or ranges), which is one design; its runs are the design on every scenario and
seed of the spec, planned like a sweep's (same keys, same commands) and sent through the
same executors into the same ``results.jsonl``. Trials are asked ``batch`` at a time, their
runs executed together (so the pool is kept busy), and told back in the order asked.

Resuming: the search keeps no state of its own beyond the results log. Optuna's study lives
in memory and is rebuilt on every start by replaying the search from its seed: the sampler
asks the same trials in the same order (it is seeded, and it is told the same values in the
same order), their runs are found in ``results.jsonl`` and not run again, and the search
goes on where it stopped. A killed search therefore ends with the same trials, the same
Pareto front and the same files as one never interrupted; more ``trials`` in the spec
extend a finished search.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import math
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xrsim.errors import SpecError
from xrsim.hardware import HardwareSystem
from xrsim.hardware.overrides import UnknownOverride
from xrsim.sweep.generate import (
    HARDWARE_KEYS,
    SPLITS,
    _value_label,
    design_yaml,
    generate_designs,
    load_generate_spec,
    pe_shares,
    split_fractions,
)
from xrsim.sweep.plan import (
    Entry,
    PlannedRun,
    Sweep,
    design_entries,
    plan_sweep,
    scenario_entries,
    shown_path,
)
from xrsim.sweep.runner import (
    WORKER_FAILED,
    SpecInput,
    SweepOutcome,
    _manifest,
    _now,
    _other_spec,
    dispatch,
    out_folder,
    read_spec,
    recorder,
    varying_axes,
    write_outputs,
)
from xrsim.sweep.search_spec import Constraint, Objective, SearchSpec
from xrsim.sweep.spec import _SweepBase, option_axes
from xrsim.sweep.store import ResultsLog, folder_lock, write_atomic
from xrsim.sweep.worker import preload

if TYPE_CHECKING:
    import optuna

RANGE_KEYS = frozenset({"low", "high", "step", "log"})
DESIGN_DIM = "design"
SEARCHABLE = ("pe_budget", "split", "dataflows", *HARDWARE_KEYS)
"""The generator's keys a search chooses (its axes); pe_multiple, max_aspect, name_prefix and
dataflow_choices take one value."""


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@dataclass(frozen=True)
class Dimension:
    """One searched key: a list of choices, or a range of ints or floats."""

    name: str
    """``generate.<key>``, ``generate.dataflow<i>`` (dataflows: all), ``set.<path>`` or ``design``."""
    choices: tuple[Any, ...] | None = None
    low: float = 0.0
    high: float = 0.0
    step: float | None = None
    log: bool = False
    integer: bool = False

    @property
    def labels(self) -> list[Any]:
        """What Optuna sees of each choice: a string or number as is, anything else as JSON."""
        assert self.choices is not None
        return [c if isinstance(c, str) or _is_number(c) else json.dumps(c) for c in self.choices]

    def distribution(self) -> optuna.distributions.BaseDistribution:
        from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

        if self.choices is not None:
            return CategoricalDistribution(self.labels)
        if self.integer:
            return IntDistribution(int(self.low), int(self.high), step=int(self.step or 1), log=self.log)
        return FloatDistribution(self.low, self.high, step=self.step, log=self.log)

    def decode(self, value: Any) -> Any:
        if self.choices is not None:
            return self.choices[self.labels.index(value)]
        return int(value) if self.integer else float(value)

    def first(self) -> Any:
        """The point every check is made at: the first choice, or the low end."""
        if self.choices is not None:
            return self.labels[0]
        return int(self.low) if self.integer else self.low


def _range(value: dict[str, Any], name: str, field: str, source: Path | None) -> Dimension:
    unknown = sorted(set(value) - RANGE_KEYS)
    if unknown:
        raise SpecError(source, field, f"a range takes low, high, step and log; unknown key '{unknown[0]}'")
    if "low" not in value or "high" not in value:
        raise SpecError(source, field, "a range needs low and high")
    low, high, step, log = value["low"], value["high"], value.get("step"), value.get("log", False)
    if not (_is_number(low) and _is_number(high)) or (step is not None and not _is_number(step)):
        raise SpecError(source, field, "a range's low, high and step must be numbers")
    if not all(math.isfinite(v) for v in (low, high, step or 1)):
        raise SpecError(source, field, "a range's low, high and step must be finite")
    if not isinstance(log, bool):
        raise SpecError(source, field, "a range's log must be true or false")
    if not low < high:
        raise SpecError(source, field, f"a range needs low < high, got {low} and {high}")
    if step is not None and step <= 0:
        raise SpecError(source, field, f"a range's step must be > 0, got {step}")
    if log and (low <= 0 or step is not None):
        raise SpecError(source, field, "a log range needs low > 0 and no step")
    integer = isinstance(low, int) and isinstance(high, int) and (step is None or isinstance(step, int))
    if step is not None and integer and (high - low) % step:
        raise SpecError(source, field, f"a range's high - low ({high - low}) must be a multiple of "
                                       f"step {step}")
    return Dimension(name, low=low, high=high, step=step, log=log, integer=integer)


def _axis(value: Any, name: str, field: str, source: Path | None, *, list_is_one: bool = False
          ) -> Dimension | None:
    """A dimension, or None for a fixed value."""
    if isinstance(value, dict) and set(value) & {"low", "high"}:
        return _range(value, name, field, source)
    if isinstance(value, list) and not list_is_one:
        if not value:
            raise SpecError(source, field, "an empty list of choices; give at least one")
        dimension = Dimension(name, choices=tuple(value))
        labels = [json.dumps(label) for label in dimension.labels]
        if len(set(labels)) != len(labels):
            raise SpecError(source, field, "a choice is given twice")
        return dimension
    return None


@dataclass
class Trial:
    """One trial: its point, its design and runs, and then its measures."""

    number: int
    params: dict[str, Any]
    design: str = ""
    system: HardwareSystem | None = None
    overrides: dict[str, Any] = field(default_factory=dict)
    runs: list[PlannedRun] = field(default_factory=list)
    sweep: Sweep | None = None
    error: str | None = None
    measures: dict[str, float] = field(default_factory=dict)
    values: list[float] | None = None
    feasible: bool = False


class Search:
    """A planned search: its space, objectives and constraints, checked before anything runs."""

    def __init__(self, spec: _SweepBase, source: Path | None, out: Path) -> None:
        assert spec.search is not None
        self.spec, self.source, self.out = spec, source, out
        self.search: SearchSpec = spec.search
        if importlib.util.find_spec("optuna") is None:
            raise SpecError(source, "search", "a search needs Optuna: pip install 'xrsim[search]'")
        self.name = spec.name or (source.stem if source is not None else "search")
        self.objectives: list[Objective] = self.search.parsed_objectives()
        self.constraints: list[Constraint] = self.search.parsed_constraints()
        self._check_not_axes()
        self.dimensions: list[Dimension] = []
        self.fixed_generate: dict[str, Any] = {}
        self.fixed_set: dict[str, Any] = {}
        self.dataflow_positions = 0
        self.dataflow_choices: list[str] = []
        base = source.parent if source is not None else Path.cwd()
        self.design_choices: dict[str, Entry] = {}
        if self.search.space.generate is not None:
            self._generate_space(dict(self.search.space.generate))
        else:  # names, globs and paths, each design found a choice
            self.design_choices = {e.label: e for e in design_entries(spec, base, out, source)[0]}
            if len(self.design_choices) > 1:
                self.dimensions.append(Dimension(DESIGN_DIM, choices=tuple(self.design_choices)))
        for path, value in self.search.space.set.items():
            dimension = _axis(value, f"set.{path}", f"search.space.set.{path}", source)
            if dimension is None:
                self.fixed_set[path] = value
            else:
                self.dimensions.append(dimension)
        if not self.dimensions:
            raise SpecError(source, "search.space", "the space is empty: give at least one list of choices "
                                                    "or a range {low, high} to search over")
        self.scenarios = scenario_entries(spec, base, source)
        self._plans: dict[str, tuple[Sweep | None, HardwareSystem | None, str | None]] = {}
        probe = self.evaluate(-1, {d.name: d.first() for d in self.dimensions}, strict=True)
        if probe.error is not None:
            raise SpecError(source, "search.space", f"the space's first point does not plan: {probe.error}")

    # -- the spec ----------------------------------------------------------------------------

    def _check_not_axes(self) -> None:
        spec, source = self.spec, self.source
        for name, values in option_axes(spec).items():
            if len(values) > 1:
                raise SpecError(source, name, "in a search a run option takes one value; the search "
                                              "chooses hardware (search.space)")
        if spec.set:
            raise SpecError(source, "set", "in a search, overrides go under search.space.set")
        if spec.zip or spec.combine != "grid":
            raise SpecError(source, "zip" if spec.zip else "combine", "a search has no axes to combine")
        if spec.designs and self.search.space.generate is not None:
            raise SpecError(source, "designs", "a search that generates its designs (search.space.generate) "
                                               "takes no designs list")
        if any(isinstance(d, dict) for d in spec.designs):
            raise SpecError(source, "designs", "in a search, the generator's keys go under "
                                               "search.space.generate")

    def _generate_space(self, generate: dict[str, Any]) -> None:
        source, prefix = self.source, "search.space.generate"
        grid: dict[str, Any] = {}  # every choice as a generator axis: validated as one block
        for key, value in generate.items():
            if key == "dataflows":
                continue
            name, where = f"generate.{key}", f"{prefix}.{key}"
            one = key == "split" and isinstance(value, list) and all(_is_number(v) for v in value)
            one = one or key == "dataflow_choices"
            dimension = None if one else _axis(value, name, where, source)
            if dimension is not None and key not in SEARCHABLE:
                raise SpecError(source, where, "takes one value: it shapes how designs are generated; "
                                               f"search over {', '.join(SEARCHABLE)}")
            if dimension is None:
                self.fixed_generate[key] = grid[key] = value
            else:
                self.dimensions.append(dimension)
                grid[key] = (list(dimension.choices) if dimension.choices is not None
                             else [dimension.low, dimension.high])
        flows = generate.get("dataflows", "all")
        if isinstance(flows, str) and flows.lower() == "all":
            choices = generate.get("dataflow_choices", ["WS", "OS", "RS"])
            self.dataflow_choices = [str(c).upper() for c in choices] if isinstance(choices, list) else []
            splits = grid.get("split", [])
            if not isinstance(splits, list) or all(_is_number(s) for s in splits):
                splits = [splits]
            sizes = [len(SPLITS[s.lower()]) if isinstance(s, str) and s.lower() in SPLITS
                     else len(s) if isinstance(s, list) else 1 for s in splits]
            self.dataflow_positions = max(sizes, default=1)
            grid["dataflows"] = "all"
            if self.dataflow_choices:
                for i in range(self.dataflow_positions):
                    self.dimensions.append(Dimension(f"generate.dataflow{i}",
                                                     choices=tuple(self.dataflow_choices)))
        else:
            is_choice = isinstance(flows, list) and flows and all(isinstance(f, list) for f in flows)
            if is_choice:
                self.dimensions.append(Dimension("generate.dataflows", choices=tuple(flows)))
            else:
                self.fixed_generate["dataflows"] = flows
            grid["dataflows"] = flows
        load_generate_spec(grid, source, prefix)  # every key known, every choice valid

    # -- one trial ---------------------------------------------------------------------------

    def decode(self, params: dict[str, Any]) -> dict[str, Any]:
        return {d.name: d.decode(params[d.name]) for d in self.dimensions}

    def _generated(self, point: dict[str, Any]) -> HardwareSystem:
        data = dict(self.fixed_generate)
        data.update({k.removeprefix("generate."): v for k, v in point.items()
                     if k.startswith("generate.") and not k.startswith("generate.dataflow")})
        if "generate.dataflows" in point:
            data["dataflows"] = point["generate.dataflows"]
        prefix = "search.space.generate"
        if self.dataflow_positions:
            plain = load_generate_spec({**data, "dataflows": "all"}, self.source, prefix)
            shares = pe_shares(plain.pe_budget[0], split_fractions(plain.split[0]), plain.pe_multiple)
            flows = [point[f"generate.dataflow{i}"] for i in range(len(shares))]
            # Equal sub-accelerators are interchangeable: one order of their dataflows (the
            # generator's), so that a swap is the same design, with the same runs.
            order = {c: i for i, c in enumerate(self.dataflow_choices)}
            for share in set(shares):
                at = [i for i, s in enumerate(shares) if s == share]
                for i, flow in zip(at, sorted((flows[i] for i in at), key=order.__getitem__), strict=True):
                    flows[i] = flow
            data["dataflows"] = [flows]
        system = generate_designs(load_generate_spec(data, self.source, prefix), self.source)[0]
        # The generator's name has the budget, split and dataflows; a tag for each searched
        # hardware key makes it the design's own (the other keys take one value).
        searched = [k.removeprefix("generate.") for k in point if k.startswith("generate.")]
        tags = [_value_label(k, data[k]) for k in HARDWARE_KEYS if k in searched]
        return system.model_copy(update={"name": "-".join([system.name, *tags])})

    def evaluate(self, number: int, params: dict[str, Any], strict: bool = False) -> Trial:
        """A trial's design and runs (planned once per distinct point)."""
        trial = Trial(number, params)
        point = self.decode(params)
        trial.overrides = {**self.fixed_set, **{k.removeprefix("set."): v for k, v in point.items()
                                                 if k.startswith("set.")}}
        memo = json.dumps(point, sort_keys=True)
        if memo not in self._plans:
            self._plans[memo] = self._plan(point, trial.overrides, strict)
        trial.sweep, trial.system, trial.error = self._plans[memo]
        if trial.sweep is not None:
            trial.runs = trial.sweep.runs
            # Overrides searched under space.set make another design of the same file: its
            # name says them (designs/NAME.yaml is the file, before the runs' --set).
            searched = {k.removeprefix("set."): v for k, v in point.items() if k.startswith("set.")}
            trial.design = trial.sweep.designs[0].label + "".join(
                f" {path}={json.dumps(value)}" for path, value in sorted(searched.items()))
        return trial

    def _plan(self, point: dict[str, Any], overrides: dict[str, Any], strict: bool
              ) -> tuple[Sweep | None, HardwareSystem | None, str | None]:
        if self.search.space.generate is None:
            label = point.get(DESIGN_DIM, next(iter(self.design_choices)))
            designs = [self.design_choices[label]]
        else:
            try:
                system = self._generated(point)
            except SpecError as exc:
                if strict:
                    raise
                return None, None, str(exc)
            path = (self.out / "designs" / f"{system.name}.yaml").resolve()
            designs = [Entry(system.name, str(path), shown_path(path), system)]
        trial_spec = self.spec.model_copy(update={
            "designs": [designs[0].ref], "search": None,
            "set": {p: [v] if isinstance(v, list) else v for p, v in overrides.items()}})
        try:
            sweep = plan_sweep(trial_spec, source=self.source, out=self.out, designs=designs,
                               scenarios=self.scenarios)
        except UnknownOverride as exc:
            raise SpecError(self.source, f"search.space.{exc.field}", exc.message) from None
        except SpecError as exc:
            if strict:
                raise
            return None, None, str(exc)
        return sweep, next(iter(sweep.systems.values()), None), None

    def measure(self, trial: Trial, latest: dict[str, dict[str, Any]]) -> None:
        """The trial's objectives and constraints from its runs' rows (all must be ok)."""
        if trial.error is not None:
            return
        rows = [latest.get(r.point.key) for r in trial.runs]
        bad = [r for r in rows if r is None or r.get("status") != "ok"]
        if bad:
            trial.error = "a run failed: " + str((bad[0] or {}).get("error", "not run"))
            return
        for measure in [o.measure for o in self.objectives] + [c.measure for c in self.constraints]:
            values = [r.get(measure.metric) for r in rows if r is not None]
            numbers = [float(v) for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
            if len(numbers) != len(values) or not all(map(math.isfinite, numbers)):
                trial.error = f"metric {measure.metric} is not a finite number in every run"
                return
            trial.measures[measure.label] = measure.of(numbers)
        trial.values = [trial.measures[o.label] for o in self.objectives]
        trial.feasible = all(c.violation(trial.measures[c.measure.label]) <= 0 for c in self.constraints)

    # -- the study ---------------------------------------------------------------------------

    def study(self) -> optuna.Study:
        """An in-memory study with the spec's sampler, seeded. Constraints reach the samplers
        through each trial's ``set_constraint`` (Optuna 5; its ``constraints_func`` is deprecated)."""
        import optuna

        optuna.logging.set_verbosity(optuna.logging.WARNING)
        seed = self.search.seed
        sampler: optuna.samplers.BaseSampler
        if self.search.algorithm == "nsga2":
            sampler = optuna.samplers.NSGAIISampler(population_size=self.search.nsga2_population(), seed=seed)
        elif self.search.algorithm == "tpe":
            sampler = optuna.samplers.TPESampler(seed=seed)
        else:
            sampler = optuna.samplers.RandomSampler(seed=seed)
        directions = [optuna.study.StudyDirection.MAXIMIZE if o.goal == "max"
                      else optuna.study.StudyDirection.MINIMIZE for o in self.objectives]
        return optuna.create_study(directions=directions, sampler=sampler)


@dataclass
class SearchOutcome:
    search: Search
    trials: list[Trial]
    sweep_outcome: SweepOutcome
    front: list[Trial]


def load_search(spec_or_path: SpecInput, out: str | Path | None) -> Search:
    spec, source = read_spec(spec_or_path)
    if spec.search is None:
        raise SpecError(source, "search", "this spec has no search: block; run it as a sweep")
    return Search(spec, source, out_folder(spec, source, out))


def run_search(spec_or_path: SpecInput, *, out: str | Path | None = None,
               executor: Executor | str | None = None, workers: int | None = None) -> SearchOutcome:
    """Run a search spec (a sweep spec with ``search:``) and return its trials and front.

    ``executor`` is as for ``run_sweep``: an ``Executor`` or ``process``, ``serial``,
    ``dask``. Trials already told in ``out`` (their runs in ``results.jsonl``) are replayed,
    not run again. In a script, call it under ``if __name__ == "__main__":``.
    """
    from xrsim.sweep.executors import default_workers, open_executor

    if isinstance(executor, Executor):
        return execute_search(load_search(spec_or_path, out), executor, workers or default_workers())
    with open_executor(executor or "process", workers) as (pool, count):
        return execute_search(load_search(spec_or_path, out), pool, count)


def _violations(search: Search, trial: Trial) -> list[float]:
    return [c.violation(trial.measures[c.measure.label]) for c in search.constraints]


def execute_search(search: Search, executor: Executor, workers: int,
                   progress: Callable[[int], None] | None = None) -> SearchOutcome:
    out = search.out
    if out.exists() and not out.is_dir():
        raise SpecError(out, "--out", "is a file; the results go in a folder")
    out.mkdir(parents=True, exist_ok=True)
    with folder_lock(out):
        return _execute(search, executor, workers, progress)


def _execute(search: Search, executor: Executor, workers: int,
             progress: Callable[[int], None] | None) -> SearchOutcome:
    from optuna.trial import TrialState

    started, clock = _now(), time.perf_counter()
    log = ResultsLog(search.out / "results.jsonl")
    latest = log.latest()
    combined = Sweep(name=search.name, source=search.source, spec=search.spec, designs=[],
                     generated=[], scenarios=search.scenarios, axes=[], runs=[])
    outcome = SweepOutcome(sweep=combined, out=search.out, rows=[])
    outcome.notes += _other_spec(combined, search.out)
    session: dict[str, Any] = {"id": uuid.uuid4().hex, "started": started, "ended": None,
                               "executor": type(executor).__name__, "workers": workers,
                               "search": search.search.algorithm, "trials": search.search.trials}
    _manifest(combined, search.out, session)
    distributions = {d.name: d.distribution() for d in search.dimensions}
    study = search.study()
    trials: list[Trial] = []
    planned_keys: set[str] = set()
    designs_written: set[str] = set()

    by_key: dict[str, PlannedRun] = {}
    record = recorder(log, latest, by_key, outcome)
    try:
        while len(trials) < search.search.trials and not outcome.broken:
            count = min(search.search.batch, search.search.trials - len(trials))
            asked = [study.ask(distributions) for _ in range(count)]
            batch = [search.evaluate(t.number, dict(t.params)) for t in asked]
            todo: list[PlannedRun] = []
            for trial in batch:
                if trial.sweep is None:
                    continue
                preload(trial.sweep)
                if trial.system is not None and search.search.space.generate is not None:
                    _write_design(search, trial, designs_written)
                for run in trial.runs:
                    if run.point.key in planned_keys:
                        continue
                    planned_keys.add(run.point.key)
                    combined.runs.append(run)
                    if latest.get(run.point.key, {}).get("status") == "ok":
                        outcome.skipped += 1
                    else:
                        by_key[run.point.key] = run
                        todo.append(run)
            doomed = [r for r in todo if r.error is not None]
            if doomed:
                record([{"key": r.point.key, "status": "failed", "error": r.error, "wall_s": 0.0}
                        for r in doomed])
            outcome.broken = dispatch([r for r in todo if r.error is None], executor, workers, record)
            lost = [latest[r.point.key]["error"] for r in todo
                    if str(latest.get(r.point.key, {}).get("error", "")).startswith(WORKER_FAILED)]
            outcome.broken = outcome.broken or (lost[0] if lost else None)
            if outcome.broken:
                # Not told: a run lost with its worker says nothing of the design, and
                # telling it would steer the sampler by accident. The next start replays it.
                break
            for optuna_trial, trial in zip(asked, batch, strict=True):
                search.measure(trial, latest)
                if trial.values is None:
                    study.tell(optuna_trial, state=TrialState.FAIL)
                else:
                    for i, violation in enumerate(_violations(search, trial)):
                        optuna_trial.set_constraint(str(i), violation)
                    study.tell(optuna_trial, trial.values)
                trials.append(trial)
            if progress is not None:
                progress(len(batch))
    except KeyboardInterrupt:
        outcome.interrupted = True
    finally:
        log.close()
        outcome.wall_s = time.perf_counter() - clock
        outcome.rows = [latest[r.point.key] for r in combined.runs if r.point.key in latest]
        combined.axes = list(dict.fromkeys(a for t in trials if t.sweep is not None for a in t.sweep.axes))
        combined.designs = list({t.sweep.designs[0].label: t.sweep.designs[0]
                                 for t in trials if t.sweep is not None}.values())
        outcome.varying = varying_axes(combined)
        write_outputs(outcome)
        front = pareto_front(search, trials)
        write_atomic(search.out / "trials.csv", trials_csv(search, trials))
        write_atomic(search.out / "pareto.csv", pareto_csv(search, front))
        session.update(ended=_now(), done=outcome.done, failed=outcome.failed, told=len(trials),
                       interrupted=outcome.interrupted, broken=outcome.broken,
                       wall_s=round(outcome.wall_s, 3))
        _manifest(combined, search.out, session)
    return SearchOutcome(search, trials, outcome, front)


def _write_design(search: Search, trial: Trial, written: set[str]) -> None:
    """The trial's generated design, for its runs' workers and commands (``--hardware``)."""
    assert trial.sweep is not None
    entry = trial.sweep.designs[0]
    if entry.ref in written or not isinstance(entry.loaded, HardwareSystem):
        return
    path = Path(entry.ref)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = design_yaml(entry.loaded)
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        write_atomic(path, text)
    written.add(entry.ref)


# -- the front and the files --------------------------------------------------------------

def _minimised(search: Search, trial: Trial) -> list[float]:
    assert trial.values is not None
    return [-v if o.goal == "max" else v for o, v in zip(search.objectives, trial.values, strict=True)]


def pareto_front(search: Search, trials: list[Trial]) -> list[Trial]:
    """The feasible trials that no other feasible trial dominates (as good in every objective
    and better in one), each distinct design once (its first trial), in trial order."""
    seen: set[str] = set()
    candidates = []
    for trial in trials:
        if trial.values is None or not trial.feasible:
            continue
        identity = json.dumps(sorted(r.point.key for r in trial.runs))
        if identity not in seen:
            seen.add(identity)
            candidates.append((trial, _minimised(search, trial)))
    front = []
    for trial, v in candidates:
        dominated = any(all(a <= b for a, b in zip(w, v, strict=True)) and w != v for _, w in candidates)
        if not dominated:
            front.append(trial)
    return front


def _cell(value: Any) -> Any:
    if isinstance(value, (list, dict, tuple)):
        return json.dumps(value)
    return "" if value is None else value


def _measure_labels(search: Search) -> list[str]:
    labels = [o.label for o in search.objectives] + [c.measure.label for c in search.constraints]
    return list(dict.fromkeys(labels))


def point_columns(search: Search) -> list[str]:
    """The columns of a trial's point: each dimension, but the dataflows chosen position by
    position (dataflows: all) shown as one column of those the design has, and the design
    chosen among files left to the ``design`` column (which begins with it)."""
    names = [d.name for d in search.dimensions if not _is_position(d.name) and d.name != DESIGN_DIM]
    return [*names, "generate.dataflows"] if search.dataflow_positions else names


def _is_position(name: str) -> bool:
    return name.startswith("generate.dataflow") and name.removeprefix("generate.dataflow").isdigit()


def shown_point(search: Search, trial: Trial) -> dict[str, Any]:
    point = {k: v for k, v in search.decode(trial.params).items() if not _is_position(k)}
    if search.dataflow_positions:
        point["generate.dataflows"] = ("+".join(s.dataflow for s in trial.system.sub_accelerators)
                                       if trial.system is not None else "")
    return point


def trials_csv(search: Search, trials: list[Trial]) -> str:
    """Every trial told: its point, design, measures, feasibility, or why it failed."""
    measures = _measure_labels(search)
    columns = ["trial", "state", "feasible", "design", *point_columns(search), *measures, "runs", "error"]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for t in trials:
        point = shown_point(search, t)
        writer.writerow([t.number, "complete" if t.values is not None else "failed",
                         t.feasible if t.values is not None else "", t.design,
                         *[_cell(point[c]) for c in point_columns(search)],
                         *[_cell(t.measures.get(m)) for m in measures], len(t.runs), _cell(t.error)])
    return buffer.getvalue()


def pareto_csv(search: Search, front: list[Trial]) -> str:
    """The non-dominated feasible designs: objectives, constraint measures, the point, and
    the design's YAML (after its overrides: what was simulated)."""
    measures = _measure_labels(search)
    columns = ["trial", "design", *measures, *point_columns(search), "yaml"]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    first = search.objectives[0]
    ordered = sorted(front, key=lambda t: (-t.measures[first.label] if first.goal == "max"
                                           else t.measures[first.label], t.number))
    for t in ordered:
        point = shown_point(search, t)
        writer.writerow([t.number, t.design, *[_cell(t.measures.get(m)) for m in measures],
                         *[_cell(point[c]) for c in point_columns(search)],
                         design_yaml(t.system) if t.system is not None else ""])
    return buffer.getvalue()
